"""The feed benchmark: 500 feeds × 50 entries served on 127.0.0.1, fetched twice.

`python -m newsreader.bench.feeds [--feeds 500] [--entries 50] [--changed 0.1]` writes the
entries from the generated corpus (newsreader.bench.corpus: news with near-duplicates), serves
them from a local server in this process, subscribes a fresh library to every feed through an
OPML file, and runs the real `newsreader fetch` twice: first every feed is new, then all but
`--changed` of them answer 304 and the rest carry five new entries each. Reported: wall time,
CPU (user and system, of the fetch process and its worker processes), stories/s, peak memory
(the fetch process's maximum resident set) and requests served.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

from newsreader.bench import corpus
from newsreader.bench.feed_server import FeedServer, rss


def entries(count: int, work: Path) -> list[tuple[str, list[str]]]:
    """`count` (title, paragraphs) from the generated corpus, duplicates included."""
    folder = corpus.generate(work / "corpus", count)
    found: list[tuple[str, list[str]]] = []
    for path in sorted(folder.glob("*.txt")):
        found.extend(corpus.read_dump(path.read_text(encoding="utf-8")))
    while len(found) < count:  # the corpus writes about `count`: top up with renamed copies
        title, paragraphs = found[len(found) % max(1, len(found))]
        found.append((f"{title} (again {len(found)})", paragraphs))
    return found[:count]


def feed_document(number: int, stories: Sequence[tuple[str, list[str]]], first: int) -> bytes:
    """Feed `number` as RSS, its entries numbered from `first`."""
    items = [
        (f"f{number}-e{first + k}", title, "".join(f"<p>{p}</p>" for p in paragraphs))
        for k, (title, paragraphs) in enumerate(stories)
    ]
    return rss(f"Bench feed {number}", items, link=f"http://feed{number}.example/")


def children_cpu() -> float:
    """CPU seconds (user and system) of the child processes waited for so far, theirs included."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def fetch(library: Path) -> tuple[float, float, str]:
    """Run `newsreader fetch` on `library`: (seconds, CPU seconds, its summary line)."""
    cpu = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "newsreader", "--db", str(library), "fetch"],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"fetch failed ({done.returncode}): {done.stderr.strip()}")
    return seconds, children_cpu() - cpu, done.stdout.strip()


def peak_mb() -> float:
    """The largest resident set of any child process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--changed", type=float, default=0.1, help="share changed on the second")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp, FeedServer() as server:
        work = Path(temp)
        stories = entries(args.feeds * args.entries + args.feeds, work)
        per = args.entries
        outlines = []
        for n in range(args.feeds):
            url = server.put(
                f"/feed/{n}.xml", feed_document(n, stories[n * per : (n + 1) * per], 0)
            )
            outlines.append(f"<outline text={quoteattr(f'Feed {n}')} xmlUrl={quoteattr(url)}/>")
        opml = work / "feeds.opml"
        opml.write_text(f"<opml version='2.0'><body>{''.join(outlines)}</body></opml>")
        library = work / "library"
        subprocess.run(
            [sys.executable, "-m", "newsreader", "--db", str(library), "import", str(opml)],
            check=True,
            capture_output=True,
        )
        rows = []
        requests = server.requests
        first, cpu, summary = fetch(library)
        rows.append(("first fetch", first, cpu, summary, server.requests - requests, peak_mb()))
        spare = stories[args.feeds * per :]
        changed = max(1, round(args.feeds * args.changed))
        for n in range(changed):
            extra = [spare[(n * 5 + k) % len(spare)] for k in range(5)]
            fresh = stories[n * per + 5 : (n + 1) * per] + extra
            server.put(f"/feed/{n}.xml", feed_document(n, fresh, 5))
        requests = server.requests
        second, cpu, summary2 = fetch(library)
        rows.append(("second fetch", second, cpu, summary2, server.requests - requests, peak_mb()))
    print(f"{args.feeds} feeds × {args.entries} entries; {changed} changed on the second fetch\n")
    print("| run | wall time | CPU | stories/s | requests | peak memory (max so far) | summary |")
    print("|---|---|---|---|---|---|---|")
    for name, seconds, cpu, text, count, memory in rows:
        added = int(text.split(" stories added")[0].rsplit(" ", 1)[1])
        print(
            f"| {name} | {seconds:.2f} s | {cpu:.1f} s | {added / seconds:,.0f} | {count} "
            f"| {memory:.0f} MB | {text} |"
        )


if __name__ == "__main__":
    main()
