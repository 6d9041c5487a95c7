"""Whether two versions of newsreader fold the same stories the same way.

`python -m newsreader.bench.dedup_same --stories 10000 --against DIR` feeds the generated corpus
(newsreader.bench.corpus) to a fresh duplicate index with this code and with the code in DIR (a
checkout or `git archive` of another commit, run with PYTHONPATH=DIR), and compares, story by
story, the features worked out and the stories `find` returned (which story folded under which,
in order); with `--save-every N` both save and load their index every N stories. Prints the
differences and each side's CPU time; exits 1 if any.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path


def decisions(folder: Path, stories: int, seed: int, save_every: int = 0) -> dict[str, object]:
    """Each story's features (as lists) and what `find` returned for it, with CPU seconds.

    With `save_every`, the index is saved to a folder and loaded again after that many
    stories each time, so that later lookups read the rows saved before from its files.
    """
    from newsreader.bench.dedup_quality import corpus
    from newsreader.dedup import DuplicateIndex, features

    c = corpus(folder, stories, seed)
    started = time.process_time()
    made = [features(title, paragraphs) for title, paragraphs in c.stories]
    middle = time.process_time()
    index = DuplicateIndex()
    found = []
    with tempfile.TemporaryDirectory() as saved:
        for i, ((title, paragraphs), f) in enumerate(zip(c.stories, made, strict=True)):
            found.append(index.find(str(i), title, paragraphs, f))
            index.add(str(i), title, paragraphs, f)
            if save_every and (i + 1) % save_every == 0:
                index.save(Path(saved))
                index = DuplicateIndex.load(Path(saved))
    ended = time.process_time()
    kept = [
        [
            f.exact,
            None if f.sketch is None else f.sketch.tolist(),
            f.shingles,
            f.numbers.tolist(),
            f.number_count,
            f.marks.tolist(),
            f.facts.tolist(),
        ]
        for f in made
    ]
    return {"features": kept, "found": found, "cpu": [middle - started, ended - middle]}


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: compare this code with the code in --against."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--against", type=Path, required=True, help="the other code's folder")
    parser.add_argument("--corpora", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument(
        "--save-every", type=int, default=0, help="save and load the index every N stories"
    )
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)  # one side's answers
    args = parser.parse_args(argv)
    folder = args.corpora / f"newsreader-corpus-{args.stories}-{args.seed}"
    if args.out:
        answers = decisions(folder, args.stories, args.seed, args.save_every)
        args.out.write_text(json.dumps(answers))
        return
    sides = {}
    with tempfile.TemporaryDirectory() as temp:
        for name, code in (("this", None), ("other", args.against.resolve())):
            out = Path(temp) / f"{name}.json"
            env = dict(os.environ)
            if code is not None:
                env["PYTHONPATH"] = str(code)
            command = [sys.executable, __file__, "--stories", str(args.stories)]
            command += ["--seed", str(args.seed), "--corpora", str(args.corpora)]
            command += ["--against", str(args.against), "--out", str(out)]
            command += ["--save-every", str(args.save_every)]
            subprocess.run(command, env=env, check=True)
            sides[name] = json.loads(out.read_text())
    this, other = sides["this"], sides["other"]
    features = sum(a != b for a, b in zip(this["features"], other["features"], strict=True))
    pairs = enumerate(zip(this["found"], other["found"], strict=True))
    found = [i for i, (a, b) in pairs if a != b]
    folded = sum(1 for f in this["found"] if f)
    saving = f", saved and loaded every {args.save_every}" if args.save_every else ""
    print(f"{args.stories} stories, seed {args.seed}{saving}: {folded} found an earlier version")
    print(f"features differ for {features}; find answers differ for {len(found)}")
    for i in found[:10]:
        print(f"  story {i}: this {this['found'][i]}, other {other['found'][i]}")
    for name, side in sides.items():
        cpu = side["cpu"]
        print(f"{name}: features {cpu[0]:.2f} s, find and add {cpu[1]:.2f} s of CPU")
    if features or found:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
