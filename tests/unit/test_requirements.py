"""Every third-party package the product imports (autoviz_core, the app, its pages and ui) is
pinned in requirements.txt, not merely installed as something else's dependency."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PRODUCT = ("autoviz_core", "ui", "pages", "app.py")
OWN = {"autoviz_core", "ui", "pages"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_top_level_modules() -> set[str]:
    modules: set[str] = set()
    for root in PRODUCT:
        path = REPO / root
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names and m not in OWN}


def pinned() -> dict[str, str]:
    out = {}
    for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement:
            name, _, version = requirement.partition("==")
            out[_normal(name)] = version
    return out


def test_every_imported_package_is_pinned() -> None:
    distributions = packages_distributions()
    versions = pinned()
    modules = imported_top_level_modules()
    assert {"pandas", "charset_normalizer", "llama_cpp"} <= modules  # the scan sees imports
    for module in sorted(modules):
        names = distributions.get(module)
        assert names, f"{module} is imported but not installed"
        assert any(_normal(n) in versions for n in names), f"{module} ({names}) is not pinned"
    assert all(re.fullmatch(r"\d+(\.\w+)+", v) for v in versions.values()), versions
