"""`pip install .` gives the `autoviz` command and everything the code reads: pyproject.toml lists
every package of autoviz_core, a pattern for every data file beside the code, and the app's files;
`autoviz app` starts Streamlit on app.py in app.py's own folder. (tests/integration/test_install.py
builds and installs the wheel for real.)"""

from __future__ import annotations

import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

from autoviz_core import cli
from autoviz_core.config import APP_ROOT, DEFAULT_CONFIG_PATH, REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def source_dir(package: str) -> Path:
    """Where setuptools takes `package` from (its package-dir mapping, else its dotted path)."""
    mapping: dict[str, str] = SETUPTOOLS.get("package-dir", {})
    parts = package.split(".")
    for cut in range(len(parts), 0, -1):
        head = ".".join(parts[:cut])
        if head in mapping:
            return REPO_ROOT / mapping[head] / Path(*parts[cut:])
    return REPO_ROOT / Path(*parts)


def owner(path: Path) -> str | None:
    """The listed package whose folder holds `path` most closely."""
    best = None
    for package in SETUPTOOLS["packages"]:
        folder = source_dir(package)
        if path.is_relative_to(folder) and (
            best is None or len(folder.parts) > len(source_dir(best).parts)
        ):
            best = package
    return best


def is_packaged(path: Path) -> bool:
    """Whether the wheel holds `path`: a module of a listed package, or a package-data match."""
    package = owner(path)
    if package is None:
        return False
    relative = path.relative_to(source_dir(package)).as_posix()
    if path.suffix == ".py":
        return "/" not in relative  # modules of subfolders belong to their own package
    data: dict[str, list[str]] = SETUPTOOLS.get("package-data", {})
    patterns = [*data.get("*", []), *data.get(package, [])]
    return any(fnmatch(relative, pattern) for pattern in patterns)


def engine_files() -> list[Path]:
    return [
        p
        for p in sorted((REPO_ROOT / "autoviz_core").rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]


def test_the_command_is_the_module_entry_point() -> None:
    assert PYPROJECT["project"]["scripts"] == {"autoviz": "autoviz_core.cli:main"}
    main_source = (REPO_ROOT / "autoviz_core" / "__main__.py").read_text(encoding="utf-8")
    assert "from autoviz_core.cli import main" in main_source


def test_every_module_and_data_file_of_the_engine_is_packaged() -> None:
    files = engine_files()
    data = [p for p in files if p.suffix != ".py"]
    assert any(p.name == "weights.json" for p in data)  # the scan sees the data files
    assert any(p.parent.name == "templates" for p in data)
    missing = [p.relative_to(REPO_ROOT).as_posix() for p in files if not is_packaged(p)]
    assert missing == [], "add these to pyproject.toml (packages / package-data)"


def test_the_app_and_its_config_are_packaged() -> None:
    app_files = [
        REPO_ROOT / "app.py",
        REPO_ROOT / "config.yaml",
        REPO_ROOT / ".streamlit" / "config.toml",
        *sorted((REPO_ROOT / "pages").glob("*.py")),
        *sorted((REPO_ROOT / "ui").glob("*.py")),
    ]
    assert all(p.is_file() for p in app_files)
    missing = [p.relative_to(REPO_ROOT).as_posix() for p in app_files if not is_packaged(p)]
    assert missing == []
    assert {owner(p) for p in app_files} == {"autoviz_app", "autoviz_app.pages", "autoviz_app.ui"}


def test_a_checkout_reads_its_own_app_and_config() -> None:
    assert APP_ROOT == REPO_ROOT
    assert DEFAULT_CONFIG_PATH == REPO_ROOT / "config.yaml"


def test_autoviz_app_becomes_streamlit_on_app_py_in_its_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[dict[str, Any]] = []

    def fake_execv(path: str, command: list[str]) -> None:
        calls.append({"path": path, "command": command, "cwd": Path.cwd()})
        raise SystemExit(3)  # execv never returns; the fake stops here instead

    monkeypatch.setattr(cli.os, "execv", fake_execv)
    monkeypatch.chdir(Path.cwd())  # undone after the test: _app changes the folder
    with pytest.raises(SystemExit):
        cli.main(["app", "--server.port", "8599"])
    (call,) = calls
    assert call["path"] == sys.executable  # the process becomes streamlit: signals reach it
    assert call["command"] == [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_ROOT / "app.py"),
        "--server.port",
        "8599",
    ]
    assert call["cwd"] == APP_ROOT  # so .streamlit/config.toml beside app.py applies
    assert (Path(call["cwd"]) / ".streamlit" / "config.toml").is_file()


def test_only_app_takes_arguments_it_does_not_know(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["doctor", "--server.port", "8599"])
    assert stop.value.code == 2
    assert "unrecognized arguments: --server.port 8599" in capsys.readouterr().err


def test_a_missing_app_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "APP_ROOT", tmp_path)
    assert cli.main(["app"]) == 1
    assert (
        capsys.readouterr().err.strip()
        == f"error: The app is not installed: {tmp_path / 'app.py'} is missing."
    )
