"""Which path a file takes: the memory budget decides; small tables keep today's path."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from autoviz_core.config import Settings
from autoviz_core.engine.route import estimated_table_bytes, use_engine, use_engine_for_upload


def _with(settings: Settings, budget_mb: float, route: str = "auto") -> Settings:
    return settings.model_copy(
        update={
            "limits": settings.limits.model_copy(update={"memory_budget_mb": budget_mb}),
            "engine": settings.engine.model_copy(update={"route": route}),
        }
    )


def test_a_table_over_the_budget_goes_to_the_engine(
    sales_parquet: Path, engine_settings: Settings
) -> None:
    size = estimated_table_bytes(sales_parquet)
    assert 3000 * 8 * 7 <= size <= 3000 * 200  # rows x the width of its column types
    assert use_engine(str(sales_parquet), _with(engine_settings, budget_mb=0.1))
    assert not use_engine(str(sales_parquet), _with(engine_settings, budget_mb=2048))
    assert use_engine(str(sales_parquet), _with(engine_settings, budget_mb=2048, route="engine"))
    assert not use_engine(str(sales_parquet), _with(engine_settings, budget_mb=0.1, route="memory"))


def test_globs_and_databases_always_stay_where_they_live(engine_settings: Settings) -> None:
    settings = _with(engine_settings, budget_mb=2048)
    assert use_engine("data/part-*.parquet", settings)
    assert use_engine("postgresql://reader@localhost:5432/shop", settings)


def test_other_formats_keep_the_loaders_path(tmp_path: Path, engine_settings: Settings) -> None:
    path = tmp_path / "t.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(path)
    assert not use_engine(str(path), _with(engine_settings, budget_mb=0.001))
    assert not use_engine(str(tmp_path / "missing.csv"), _with(engine_settings, budget_mb=0.001))


def test_a_narrow_table_over_the_row_limit_is_not_refused_but_queried(
    tmp_path: Path, engine_settings: Settings
) -> None:
    path = tmp_path / "narrow.parquet"
    pd.DataFrame({"a": range(2000)}).to_parquet(path)
    settings = _with(engine_settings, budget_mb=2048)
    assert not use_engine(str(path), settings)
    fewer = settings.model_copy(
        update={"limits": settings.limits.model_copy(update={"max_rows": 1000})}
    )
    assert use_engine(str(path), fewer)  # fits memory, but over the loader's row limit


def test_an_upload_is_routed_as_the_same_file_on_disk(
    sales_parquet: Path, tmp_path: Path, engine_settings: Settings
) -> None:
    content = sales_parquet.read_bytes()
    csv = tmp_path / "sales.csv"
    pd.read_parquet(sales_parquet).to_csv(csv, index=False)
    for budget in (0.1, 2048):
        settings = _with(engine_settings, budget_mb=budget)
        on_disk = use_engine(str(sales_parquet), settings)
        assert use_engine_for_upload(content, "upload.bin", settings) == on_disk
        assert use_engine_for_upload(csv.read_bytes(), "sales.csv", settings) == use_engine(
            str(csv), settings
        )
    assert use_engine_for_upload(content, "x.parquet", _with(engine_settings, 0.1))
    assert not use_engine_for_upload(content, "x.parquet", _with(engine_settings, 2048))
    xlsx = tmp_path / "t.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(xlsx)
    assert not use_engine_for_upload(xlsx.read_bytes(), "t.xlsx", _with(engine_settings, 0.001))


def test_an_upload_is_kept_under_its_content_hash_never_its_name(
    sales_parquet: Path, engine_settings: Settings, tmp_path: Path
) -> None:
    from autoviz_core.engine.load import EngineLoadedTable
    from autoviz_core.pipeline import open_upload

    cache = tmp_path / "cache"
    settings = _with(engine_settings, budget_mb=2048, route="engine").model_copy(deep=True)
    settings.engine.cache_dir = str(cache)
    content = sales_parquet.read_bytes()
    table = open_upload(content, "../../etc/evil name.parquet", settings)
    again = open_upload(content, "other.parquet", settings)
    try:
        assert isinstance(table, EngineLoadedTable) and table.source is not None
        assert table.name == table.source.name == "evil name.parquet"
        files = [p for p in cache.rglob("*") if p.is_file() and p.parent.name == "uploads"]
        assert len(files) == 1 and files[0].read_bytes() == content  # one copy per content
        assert all(
            "evil" not in str(p) and "etc" not in str(p.relative_to(cache))
            for p in cache.rglob("*")
        )
        assert table.source.n_rows == 3000 and again.name == "other.parquet"
    finally:
        for t in (table, again):
            if isinstance(t, EngineLoadedTable) and t.source is not None:
                t.source.close()
    small = open_upload(content, "small.parquet", _with(engine_settings, budget_mb=2048))
    assert not isinstance(small, EngineLoadedTable) and len(small.df) == 3000
