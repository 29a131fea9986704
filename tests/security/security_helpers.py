"""Helpers shared by the security tests: the one-line error rule, bounded time/memory, and the
headless CLI run in a child process (under an address-space ceiling when a test needs one)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from autoviz_core.errors import AutoVizError


def assert_one_line(exc: AutoVizError) -> str:
    """A message a person can read: one line, no traceback text, not empty."""
    text = str(exc)
    assert text.strip(), f"{type(exc).__name__} with an empty message"
    assert "\n" not in text, f"multi-line message: {text!r}"
    assert "Traceback" not in text, text
    return text


@contextmanager
def bounded(seconds: float, megabytes: float | None = None) -> Iterator[dict[str, Any]]:
    """Fail when the block takes longer than `seconds` or allocates more than `megabytes`
    at its peak (Python allocations, traced with tracemalloc)."""
    stats: dict[str, Any] = {}
    if megabytes is not None:
        tracemalloc.start()
    start = time.perf_counter()
    try:
        yield stats
    finally:
        elapsed = time.perf_counter() - start
        peak = 0
        if megabytes is not None:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        stats.update(elapsed=elapsed, peak_mb=peak / 1e6)
    assert elapsed < seconds, f"took {elapsed:.2f} s (limit {seconds} s)"
    if megabytes is not None:
        assert peak / 1e6 < megabytes, f"peak {peak / 1e6:.0f} MB (limit {megabytes} MB)"


def run_bounded(fn: Callable[[], Any], seconds: float, megabytes: float | None = None) -> Any:
    with bounded(seconds, megabytes):
        return fn()


REPO = Path(__file__).resolve().parents[2]
# Sets RLIMIT_AS (when the first argument is not 0), then runs `python -m autoviz_core`.
_LAUNCH = (
    "import resource, runpy, sys\n"
    "limit = int(sys.argv.pop(1))\n"
    "if limit:\n"
    "    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
    "runpy.run_module('autoviz_core', run_name='__main__', alter_sys=True)\n"
)


def cli_command(*args: str | bytes, memory_mb: int = 0, flags: Sequence[str] = ()) -> list[Any]:
    """The argv of `python -m autoviz_core ARGS`, under `memory_mb` of address space (RLIMIT_AS)
    when it is not 0: a child that tried to expand a bomb fails instead of the test machine."""
    return [sys.executable, *flags, "-c", _LAUNCH, str(memory_mb << 20), *args]


def run_cli(
    *args: str | bytes,
    memory_mb: int = 0,
    cwd: Path | None = None,
    timeout: float = 120,
    flags: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    """`python -m autoviz_core run ARGS` in a child process; arguments may be bytes (not UTF-8
    on purpose), and its output is decoded with replacement so the test reads what it printed."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        cli_command("run", *args, memory_mb=memory_mb, flags=flags),
        capture_output=True,
        env=env,
        timeout=timeout,
        cwd=cwd or REPO,
        check=False,
    )
    return subprocess.CompletedProcess(
        proc.args,
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


def assert_clean_failure(proc: subprocess.CompletedProcess[str], *phrases: str) -> str:
    """Non-zero exit, no result printed, exactly one line on stderr naming the reason."""
    assert proc.returncode not in (0, None), proc
    assert proc.returncode > 0, f"killed by signal {-proc.returncode}: {proc.stderr[-2000:]}"
    assert "intent:" not in proc.stdout and "success" not in proc.stdout.lower(), proc.stdout
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr[-3000:]
    assert lines[0].startswith("error: ") and "Traceback" not in proc.stderr
    for phrase in phrases:
        assert phrase.lower() in lines[0].lower(), lines[0]
    return lines[0]


def config_with_limits(folder: Path, engine: dict[str, Any] | None = None, **limits: float) -> Path:
    """The repository's config.yaml with some `limits:` (and `engine:`) changed, written into
    `folder`."""
    import yaml

    raw = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    raw["limits"].update(limits)
    raw["engine"].update(engine or {})
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path
