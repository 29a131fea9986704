"""`pip install .` for real: the wheel is built from a copy of the sources, installed into a folder
of its own, and its `autoviz` command answers a question, finds its config and starts the app, run
from a folder outside the repository (so nothing can come from the checkout). The dependencies are
the test environment's (installing them again would compile llama.cpp: minutes)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from autoviz_core.config import REPO_ROOT

# What the build reads: pyproject.toml and what it lists (requirements.txt for the dependencies).
SOURCES = ("pyproject.toml", "requirements.txt", "README.md", "app.py", "config.yaml")
SOURCE_DIRS = ("autoviz_core", "pages", "ui", ".streamlit")
STARTUP_S = 60  # Streamlit's first start on a busy 2-core machine


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder `pip install --target` filled from a freshly built wheel."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        shutil.copy2(REPO_ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCE_DIRS:
        shutil.copytree(REPO_ROOT / name, source / name, ignore=ignore)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    # No build isolation: the pinned setuptools of requirements-dev.txt builds it, offline.
    build = [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(work / "dist")]
    subprocess.run([*build, str(source)], check=True, capture_output=True)
    (wheel,) = (work / "dist").glob("autoviz-*.whl")
    target = work / "site"
    install = [*pip, "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)]
    subprocess.run(install, check=True, capture_output=True)
    return target


def autoviz(installed: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed `autoviz` script, with the installed packages first on the path."""
    env = {**os.environ, "PYTHONPATH": str(installed)}
    env.pop("AUTOVIZ_CONFIG", None)
    return subprocess.run(
        [str(installed / "bin" / "autoviz"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_installed_command_answers_from_the_installed_package(
    installed: Path, tmp_path: Path
) -> None:
    where = autoviz(installed, "--help", cwd=tmp_path)
    assert where.returncode == 0 and "{run,doctor,app}" in where.stdout
    probe = subprocess.run(
        [sys.executable, "-c", "import autoviz_core.config as c; print(c.__file__, c.APP_ROOT)"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        check=True,
    )
    module, app_root = probe.stdout.split()
    assert Path(module).is_relative_to(installed)
    assert Path(app_root) == installed / "autoviz_app"
    out = tmp_path / "result.json"
    question = "mean tip for each sex"
    args = ["run", "plotly:tips", question, "--mode", "cues", "--no-adapt", "--json", str(out)]
    done = autoviz(installed, *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    primary = next(c for c in doc["charts"] if c["primary"])
    assert (primary["x"], primary["y"], primary["agg"]) == ("sex", "tip", "mean")
    doctor = autoviz(installed, "doctor", cwd=tmp_path)
    assert f"config: {installed / 'autoviz_app' / 'config.yaml'}" in doctor.stdout


@pytest.fixture
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def app_server(installed: Path, tmp_path: Path, free_port: int) -> Iterator[str]:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    command = [str(installed / "bin" / "autoviz"), "app", "--server.port", str(free_port)]
    with (tmp_path / "app.log").open("wb") as log:
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=log)
        try:
            yield f"http://localhost:{free_port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_autoviz_app_serves_the_installed_app(app_server: str) -> None:
    deadline = time.monotonic() + STARTUP_S
    health = ""
    while time.monotonic() < deadline and health != "ok":
        try:
            with urllib.request.urlopen(f"{app_server}/_stcore/health", timeout=2) as reply:
                health = reply.read().decode()
        except OSError:
            time.sleep(0.5)
    assert health == "ok", f"the app did not answer at {app_server} within {STARTUP_S} s"


def test_the_installed_app_draws_its_first_page(installed: Path, tmp_path: Path) -> None:
    """The installed app.py runs with the installed pages and ui (Streamlit puts app.py's folder
    on the path, so `ui` is the installed autoviz_app/ui)."""
    script = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file(sys.argv[1], default_timeout=120)\n"
        "at.run()\n"
        "assert not at.exception, at.exception\n"
        "import ui\n"
        "print(ui.__file__)\n"
        "print(at.title[0].value)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(installed / "autoviz_app" / "app.py")],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    ui_file, title = done.stdout.splitlines()[-2:]
    assert Path(ui_file).is_relative_to(installed / "autoviz_app")
    assert title
