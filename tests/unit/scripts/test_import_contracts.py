"""The no_module_cycles import contract: every loop among a package's modules is found (including a
loop through a package's __init__, which import-linter's acyclic_siblings lets pass), and the
repository's own contracts hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO))

from scripts.import_contracts import module_cycles, one_loop  # noqa: E402


def graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    g = grimp.ImportGraph()
    for importer, imported in imports:
        g.add_import(importer=importer, imported=imported)
    return g


def test_a_loop_through_a_package_init_is_found() -> None:
    g = graph(
        ("pkg.tools", "pkg.tools.charts"),
        ("pkg.tools.charts", "pkg.tools.registry"),
        ("pkg.tools.registry", "pkg.tools"),
        ("pkg.tools.charts", "pkg.vocabulary"),
    )
    groups = module_cycles(g, "pkg")
    assert groups == [["pkg.tools", "pkg.tools.charts", "pkg.tools.registry"]]
    loop = one_loop(g, groups[0])
    assert loop[0] == loop[-1] == "pkg.tools" and len(loop) == 4


def test_separate_loops_are_reported_separately_and_other_packages_ignored() -> None:
    g = graph(
        ("pkg.a", "pkg.b"),
        ("pkg.b", "pkg.a"),
        ("pkg.c", "pkg.d"),
        ("pkg.d", "pkg.e"),
        ("pkg.e", "pkg.c"),
        ("other.x", "other.y"),
        ("other.y", "other.x"),
    )
    assert module_cycles(g, "pkg") == [["pkg.a", "pkg.b"], ["pkg.c", "pkg.d", "pkg.e"]]


def test_a_graph_without_loops_has_none() -> None:
    g = graph(("pkg.a", "pkg.b"), ("pkg.b", "pkg.c"), ("pkg.a", "pkg.c"))
    assert module_cycles(g, "pkg") == []


def test_the_repository_keeps_its_import_contracts() -> None:
    """What `make lint` and scripts/test.sh run: the layers, llm never importing planning, no
    Streamlit in the engine and no import cycle in autoviz_core."""
    lint = Path(sys.executable).with_name("lint-imports")
    assert lint.is_file(), f"{lint} missing: install requirements-dev.txt"
    done = subprocess.run(
        [str(lint), "--no-logo", "--no-cache"], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 broken" in done.stdout
