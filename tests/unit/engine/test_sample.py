"""The bounded sample: all rows when they fit, else a seeded draw, the same for the same seed."""

from __future__ import annotations

import pytest

from autoviz_core.engine import sample as sampling
from autoviz_core.engine.source import EngineTable


def test_a_small_table_is_read_whole(sales_source: EngineTable) -> None:
    frame, info = sampling.sample_frame(sales_source, 42)
    assert len(frame) == info.rows == info.of_rows == 3000 and info.complete
    assert info.text() == "all 3,000 rows"


@pytest.mark.parametrize("block", [False, True], ids=["rows", "blocks"])
def test_a_big_table_is_sampled_the_same_way_for_the_same_seed(
    sales_source: EngineTable, monkeypatch: pytest.MonkeyPatch, block: bool
) -> None:
    monkeypatch.setattr(sampling, "BLOCK_SAMPLE_ABOVE", 1 if block else 10**9)
    first, info = sampling.sample_frame(sales_source, 7, rows=1000)
    again, _ = sampling.sample_frame(sales_source, 7, rows=1000)
    assert 0 < len(first) <= 1000 and info.of_rows == 3000 and not info.complete
    assert first["order_id"].tolist() == again["order_id"].tolist()
    assert info.method == ("block" if block else "row")
    assert ("block sample" in info.text()) == block and "seed 7" in info.text()
    assert list(first.columns) == list(sales_source.table.columns)


def test_blocks_are_seeded_disjoint_and_inside_their_files() -> None:
    files = [("a.parquet", 5_000), ("b.parquet", 1_000_000), ("c.parquet", 0)]
    blocks = sampling.draw_blocks(files, 20_000, seed=3)
    assert blocks == sampling.draw_blocks(files, 20_000, seed=3)
    assert blocks != sampling.draw_blocks(files, 20_000, seed=4)
    sizes = dict(files)
    assert all(start >= 0 and start + rows <= sizes[f] and rows > 0 for f, start, rows in blocks)
    assert all(rows <= sampling.BLOCK_ROWS for _, _, rows in blocks)
    starts = [(f, start) for f, start, _ in blocks]
    assert len(set(starts)) == len(starts) and starts == sorted(starts)
    assert 19_000 <= sum(rows for _, _, rows in blocks) <= 20_000
    assert {f for f, _, _ in blocks} <= {"a.parquet", "b.parquet"}
