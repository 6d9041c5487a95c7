"""The `newsreader` command's entry point: `count` answered before anything heavy is imported.

A status line runs `newsreader count` every few seconds; argparse, the library and the app
would take longer to import than the counts take to read.
"""

import sys


def main() -> int:
    """Run `newsreader` with the process's arguments; return the exit status."""
    from newsreader.count import fast_main, wants_count

    argv = sys.argv[1:]
    if wants_count(argv):
        status = fast_main(argv)
        if status is not None:
            return status
    from newsreader.__main__ import main as full_main

    return full_main(argv)
