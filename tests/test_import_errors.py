"""A bug in a reader costs one file: it is rejected with a reason and the import goes on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

import newsreader.dumps as dumps
import newsreader.dumps.html as html
from newsreader.importer import import_paths
from newsreader.library import Library
from newsreader.models import ParsedStory
from newsreader.watch import import_arrivals

from .conftest import CAPTURED, SEED

MARKER = "CRASH-THE-READER"
REASON = "internal error in the {} reader (KeyError); please report it"

# Installed in every process of the command, the workers too: they inherit PYTHONPATH.
_SITECUSTOMIZE = f"""
import newsreader.dumps as dumps
import newsreader.dumps.html as html

def _crashing(parse):
    def parse_or_crash(text, name, captured_at):
        if {MARKER!r} in text:
            raise KeyError("a bug")
        return parse(text, name, captured_at)
    return parse_or_crash

dumps.parse_text = _crashing(dumps.parse_text)
html.parse_html = _crashing(html.parse_html)
"""

_ARTICLE = """<html><head><title>{title}</title></head><body><article>
<p>{text} The council met on Tuesday evening to decide, after a long debate, on the plan.</p>
<p>Residents, who had waited for years, said they were pleased with the outcome of the vote.</p>
</article></body></html>"""


def _crash_on_marker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make both readers raise KeyError on any file holding MARKER."""

    def text_or_crash(
        text: str, name: str, captured_at: datetime
    ) -> tuple[list[ParsedStory], list[str]]:
        if MARKER in text:
            raise KeyError("a bug")
        return parse_text(text, name, captured_at)

    def html_or_crash(
        text: str, name: str, captured_at: datetime
    ) -> tuple[list[ParsedStory], list[str]]:
        if MARKER in text:
            raise KeyError("a bug")
        return parse_html(text, name, captured_at)

    parse_text, parse_html = dumps.parse_text, html.parse_html
    monkeypatch.setattr(dumps, "parse_text", text_or_crash)
    monkeypatch.setattr(html, "parse_html", html_or_crash)


def _folder(tmp_path: Path) -> Path:
    """A seed dump, two articles and one HTML page and one text dump that crash the readers."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "a-seed.txt")
    (folder / "b-article.html").write_text(_ARTICLE.format(title="Plan passes", text="Yes."))
    (folder / "c-crash.html").write_text(_ARTICLE.format(title="Crash", text=MARKER))
    (folder / "d-crash.txt").write_text(SEED.read_text(encoding="utf-8") + f"\n{MARKER}\n")
    (folder / "e-article.html").write_text(_ARTICLE.format(title="Bridge opens", text="No."))
    return folder


def test_a_reader_bug_rejects_only_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crash_on_marker(monkeypatch)
    library = Library(tmp_path / "lib")
    outcome = import_paths(library, [_folder(tmp_path)], CAPTURED)
    reasons = {Path(error.name).name: error.reason for error in outcome.rejected}
    assert reasons == {"c-crash.html": REASON.format("HTML"), "d-crash.txt": REASON.format("text")}
    titles = {story.title for story in library.stories}
    assert {"Plan passes", "Bridge opens"} <= titles
    assert len(library.stories) == 4 + 2


def test_a_reader_bug_in_the_watched_folder_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crash_on_marker(monkeypatch)
    folder = _folder(tmp_path)
    report = import_arrivals(tmp_path / "lib", sorted(folder.iterdir()))
    assert report.error is None
    assert (
        report.summary()
        == "Imported 6 stories from 3 dumps, 1 of them hidden as a version of another."
    )
    assert report.rejected() == (
        f"c-crash.html: {REASON.format('HTML')}\nd-crash.txt: {REASON.format('text')}"
    )


def _run_import(tmp_path: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    """`newsreader import folder`, as installed, with the readers crashing on MARKER."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(textwrap.dedent(_SITECUSTOMIZE))
    env = dict(os.environ, PYTHONPATH=str(hooks))
    command = [sys.executable, "-m", "newsreader", "--db", str(tmp_path / "lib"), "import"]
    return subprocess.run(
        [*command, str(folder)], env=env, capture_output=True, text=True, timeout=300
    )


def test_the_command_rejects_the_file_and_exits_1(tmp_path: Path) -> None:
    result = _run_import(tmp_path, _folder(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"c-crash.html: {REASON.format('HTML')}" in result.stderr
    assert f"d-crash.txt: {REASON.format('text')}" in result.stderr
    assert result.stdout.startswith("3 dumps read")
    assert "6 stories added" in result.stdout and "2 files rejected" in result.stdout


def test_the_command_rejects_the_file_in_worker_processes(tmp_path: Path) -> None:
    from newsreader.bench.corpus import generate

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core: the import reads in this process")
    corpus = generate(tmp_path / "corpus", 900, seed=5)
    (corpus / "truth.json").unlink()
    files = sorted(corpus.iterdir())
    assert len(files) >= 200  # enough to be read by worker processes
    crash = files[len(files) // 2]
    crash.write_text(crash.read_text(encoding="utf-8") + f"\n{MARKER}\n")
    result = _run_import(tmp_path, corpus)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"rejected {crash}: {REASON.format('text')}" in result.stderr
    assert f"{len(files) - 1} dumps read" in result.stdout
    assert "1 file rejected" in result.stdout


def test_the_installed_command_imports_with_worker_processes(tmp_path: Path) -> None:
    # The workers are spawned: each runs the `newsreader` script again as `__mp_main__`,
    # which must not start an import of its own (it would wait for the lock for ever).
    from newsreader.bench.corpus import generate

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core: the import reads in this process")
    corpus = generate(tmp_path / "corpus", 900, seed=5)
    (corpus / "truth.json").unlink()
    files = sorted(corpus.iterdir())
    assert len(files) >= 200  # enough to be read by worker processes
    command = Path(sys.executable).with_name("newsreader")
    result = subprocess.run(
        [str(command), "--db", str(tmp_path / "lib"), "import", str(corpus)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert f"{len(files)} dumps read" in result.stdout
