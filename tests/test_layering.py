"""The core never imports Textual: it must run in scripts, the CLI and on boxes without a screen."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import newsreader

# The app side: everything here may import Textual; every other module is the core.
APP_SIDE = ("ui", "bench", "__main__")


def core_modules() -> list[str]:
    """Every module of the package that is not on the app side, found by walking the package."""
    found = []
    for info in pkgutil.walk_packages(newsreader.__path__, prefix="newsreader."):
        first = info.name.split(".")[1]
        if first not in APP_SIDE:
            found.append(info.name)
    return sorted(found)


def test_the_core_is_found_by_walking_the_package() -> None:
    core = core_modules()
    assert {"newsreader.library", "newsreader.dumps.html", "newsreader.cli"} <= set(core)
    assert not any(name.startswith("newsreader.ui") for name in core)


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def import_loops() -> list[list[str]]:
    """The groups of newsreader's modules that import each other round in a loop (grimp's graph,
    imports inside functions and under TYPE_CHECKING included)."""
    import grimp

    graph = grimp.build_graph("newsreader")
    modules = sorted(m for m in graph.modules if m.startswith("newsreader"))
    ours = set(modules)
    imports = {m: sorted(graph.find_modules_directly_imported_by(m) & ours) for m in modules}
    # Tarjan's strongly connected components, without recursion.
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []
    for root in modules:
        if root in order:
            continue
        work = [(root, 0)]
        while work:
            module, next_child = work.pop()
            if next_child == 0:
                order[module] = low[module] = len(order)
                stack.append(module)
                on_stack.add(module)
            children = imports[module]
            if next_child < len(children):
                work.append((module, next_child + 1))
                child = children[next_child]
                if child not in order:
                    work.append((child, 0))
                elif child in on_stack:
                    low[module] = min(low[module], order[child])
                continue
            if low[module] == order[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    loops.append(sorted(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
    return loops


def test_no_module_imports_itself_round_a_loop() -> None:
    assert import_loops() == []
