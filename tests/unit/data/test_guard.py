"""The loading guard on its own: what a path is, the memory budget, the time limit."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from autoviz_core.config import Limits
from autoviz_core.data import guard
from autoviz_core.errors import DataLoadError


def test_a_regular_file_is_left_to_the_loader_and_an_empty_one_is_read(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"a\n1\n")
    assert guard.admit_path(path, Limits()) is None
    empty = tmp_path / "empty.csv"
    empty.touch()  # size 0: maybe empty, maybe a /proc-like file: read once, bounded
    assert guard.admit_path(empty, Limits()) == b""


def test_over_the_upload_limit_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"a\n" + b"1\n" * 100_000)
    with pytest.raises(DataLoadError, match=r"over the 0\.1 MB limit"):
        guard.admit_path(path, Limits(max_upload_mb=0.1))


def test_a_device_is_refused() -> None:
    with pytest.raises(DataLoadError, match="/dev/null is a device, not a file"):
        guard.admit_path(Path("/dev/null"), Limits())


def test_the_memory_budget_names_the_size_and_the_limit() -> None:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"a": pa.array(range(400_000), pa.int64())}), buffer)
    guard.check_memory_budget(buffer.getvalue(), Limits(memory_budget_mb=10))  # 9 MB fits
    with pytest.raises(DataLoadError) as info:
        guard.check_memory_budget(buffer.getvalue(), Limits(memory_budget_mb=2))
    assert str(info.value).startswith(
        "The table would take about 3 MB in memory and about 9 MB while loading, over the "
        "2 MB memory budget."
    )


def test_the_time_limit_returns_the_value_and_passes_errors_on() -> None:
    assert guard.within_time_limit(lambda: 42, 5) == 42

    def refuse() -> None:
        raise DataLoadError("The file is empty.")

    with pytest.raises(DataLoadError, match="empty"):
        guard.within_time_limit(refuse, 5)


def test_display_text_replaces_bytes_that_are_not_utf8() -> None:
    assert guard.display_text("sales\udcff.csv") == "sales\ufffd.csv"
