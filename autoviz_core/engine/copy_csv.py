"""Make the columnar copy of a CSV read in place, in a process of its own (engine/source.py
start_copy): `python -m autoviz_core.engine.copy_csv [--detach] TARGET [--memory-mb=N] CSV...`.

The copy is written under a temporary name and moved into place whole, so a question never
reads half a copy; the marker `TARGET.making` says a copy is under way and is removed at the end,
whether the copy was made or not.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    """Write the copy; 0 when it was made, 1 when it could not be (the CSV stays usable).
    With --detach first: start this in a session of its own and return at once."""
    if argv[:1] == ["--detach"]:
        subprocess.Popen(
            [sys.executable, "-m", "autoviz_core.engine.copy_csv", *argv[1:]],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        return 0
    target = Path(argv[0])
    memory = next((a.split("=", 1)[1] for a in argv[1:] if a.startswith("--memory-mb=")), "2048")
    files = [a for a in argv[1:] if not a.startswith("--")]
    marker = target.with_suffix(".making")
    try:
        import ibis

        from autoviz_core.engine.source import write_copy

        backend = ibis.duckdb.connect(":memory:", memory_limit=f"{int(float(memory))}MB")
        write_copy(backend, files, target, progress_after_s=float("inf"))
        return 0
    except Exception:
        return 1
    finally:
        marker.unlink(missing_ok=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
