"""Fresh machine in minutes: `make app` and `make test` timed in fresh clones with empty caches.

  .venv/bin/python -m bench.bench_fresh_clone                 # both (about 25 minutes)
  .venv/bin/python -m bench.bench_fresh_clone --only app      # make app until the app answers

Each command runs in its own fresh clone of this repository's HEAD (under a temporary folder),
with an empty project cache (AUTOVIZ_CACHE in the temporary folder) and pip's cache off, so the
llama.cpp compile, the downloads and the installs are all timed; OS packages already on the
machine (g++, chromium) are not removed. `make app` is timed until the app's health endpoint
answers; `make test` until it exits. Every output line is time-stamped, so the time of each
first-run step ("==> ..." lines of scripts/setup.sh, the test run) is reported too. Waits for a
quiet machine first (bench/conditions.py). Writes bench/results/fresh_clone.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.conditions import quiet_start  # noqa: E402

RESULTS = REPO / "bench" / "results" / "fresh_clone.json"
APP_LIMIT_S = 30 * 60
TEST_LIMIT_S = 90 * 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def shared_dir() -> Path:
    return Path(os.environ.get("AUTOVIZ_SHARED", REPO.parent / "shared")).resolve()


def fresh_clone(root: Path) -> Path:
    """A clone of HEAD with ../shared beside it, as on a developer's machine or in CI."""
    clone = root / "autoviz"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(clone)], check=True)
    (root / "shared").symlink_to(shared_dir())
    return clone


def fresh_env(root: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "AUTOVIZ_"))}
    env.update(
        AUTOVIZ_CACHE=str(root / "cache"),
        AUTOVIZ_SHARED=str(root / "shared"),
        PIP_NO_CACHE_DIR="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        STREAMLIT_SERVER_PORT=str(port),
        STREAMLIT_SERVER_HEADLESS="true",
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
    )
    return env


class Timed:
    """A command whose output lines are kept with the seconds since it started."""

    def __init__(self, cmd: list[str], cwd: Path, env: dict[str, str], log: Path) -> None:
        self.start = time.monotonic()
        self.lines: list[tuple[float, str]] = []
        self.log = log.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )  # fmt: skip
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            at = round(time.monotonic() - self.start, 1)
            self.lines.append((at, line.rstrip()))
            self.log.write(f"{at:8.1f} {line}")
            self.log.flush()

    def elapsed(self) -> float:
        return round(time.monotonic() - self.start, 1)

    def stop(self) -> None:
        """End the command and everything it started (its own process group)."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.reader.join(timeout=5)
        self.log.close()

    def steps(self) -> list[dict[str, Any]]:
        """The setup's "==> step" lines (and the test run's "==> ..." lines) with durations."""
        marks = [(t, text[4:]) for t, text in self.lines if text.startswith("==> ")]
        end = self.elapsed()
        return [
            {"step": name, "start_s": t, "seconds": round((marks[i + 1][0] if i + 1 < len(marks) else end) - t, 1)}
            for i, (t, name) in enumerate(marks)
        ]  # fmt: skip


def time_make_app(root: Path) -> dict[str, Any]:
    clone = fresh_clone(root)
    port = _free_port()
    run = Timed(["make", "app"], clone, fresh_env(root, port), root / "make_app.log")
    answered = None
    try:
        while run.elapsed() < APP_LIMIT_S and run.proc.poll() is None:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).ok:
                    answered = run.elapsed()
                    break
            time.sleep(1)
    finally:
        run.stop()
    return {
        "command": "make app",
        "seconds_until_the_app_answers": answered,
        "exit": None if answered else run.proc.returncode,
        "steps": run.steps(),
        "tail": [text for _, text in run.lines[-5:]] if answered is None else [],
    }


def time_make_test(root: Path) -> dict[str, Any]:
    clone = fresh_clone(root)
    run = Timed(["make", "test"], clone, fresh_env(root, _free_port()), root / "make_test.log")
    with contextlib.suppress(subprocess.TimeoutExpired):
        run.proc.wait(timeout=TEST_LIMIT_S)
    seconds = run.elapsed()
    run.stop()
    summary = next((text for _, text in reversed(run.lines) if " passed" in text), "")
    return {
        "command": "make test",
        "seconds": seconds,
        "exit": run.proc.returncode,
        "pytest_summary": summary.strip("= "),
        "steps": run.steps(),
        "tail": [text for _, text in run.lines[-5:]] if run.proc.returncode else [],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--only", choices=["app", "test"], help="time one command only")
    ap.add_argument("--keep", action="store_true", help="keep the clones and logs")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    doc: dict[str, Any] = {"commit": _head(), "runs": []}
    for what, fn in (("app", time_make_app), ("test", time_make_test)):
        if args.only and args.only != what:
            continue
        conditions = quiet_start(f"fresh clone: make {what}")
        root = Path(tempfile.mkdtemp(prefix=f"autoviz-fresh-{what}-"))
        print(f"[fresh] make {what} in {root} ...", flush=True)
        result = {**fn(root), "conditions": conditions, "folder": str(root)}
        doc["runs"].append(result)
        seconds = result.get("seconds_until_the_app_answers") or result.get("seconds")
        print(f"[fresh] make {what}: {seconds} s (exit {result.get('exit')})", flush=True)
        for step in result["steps"]:
            print(f"    {step['seconds']:>7.1f} s  {step['step']}", flush=True)
        if not args.keep:
            subprocess.run(["rm", "-rf", str(root)], check=False)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0 if all(r.get("exit") in (0, None) for r in doc["runs"]) else 1


def _head() -> str:
    out = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return out.stdout.strip()


if __name__ == "__main__":
    raise SystemExit(main())
