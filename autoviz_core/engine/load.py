"""Open a table that stays where it lives as the pipeline's LoadedTable: the engine table,
its SQL profile and the bounded sample the planner reads (value look-ups come from the
profile's exact value lists)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from autoviz_core.config import Settings
from autoviz_core.data.loading import LoadedTable
from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.engine import profile_cache
from autoviz_core.engine.profile import profile_engine_table
from autoviz_core.engine.query import OnProgress
from autoviz_core.engine.sample import SampleInfo, head_frame, line_sample_frame, sample_frame
from autoviz_core.engine.source import EngineTable, is_database_url, open_database, open_files


@dataclass
class EngineLoadedTable(LoadedTable):
    """A LoadedTable whose `df` is a bounded sample; the whole table is `source`."""

    source: EngineTable | None = None
    profile: SchemaProfile | None = None
    sample: SampleInfo | None = None

    def describe(self) -> dict[str, object]:
        """What the provenance records about where the analysis ran (no credentials)."""
        assert self.source is not None and self.sample is not None
        return {
            "engine": self.source.dialect,
            "origin": self.source.origin,
            "rows": self.source.n_rows,
            "sample": self.sample.text(),
        }


def open_source(
    spec: str,
    settings: Settings,
    *,
    table: str | None = None,
    seed: int = 42,
    on_progress: OnProgress | None = None,
    password: str | None = None,
) -> EngineLoadedTable:
    """A file, a glob of files or a database table, profiled by SQL where it lives."""
    if is_database_url(spec):
        source = open_database(spec, table, settings, password=password)
        fmt: str = source.dialect
    else:
        source = open_files(spec, settings)
        fmt = "parquet" if source.origin == "files" else "csv"  # csv copy, or csv in place
    source.on_progress = on_progress
    try:
        sample, info = _sample(source, seed)
        profile = profile_engine_table(source, sample, head_frame(source))
    except BaseException:
        source.close()
        raise
    notes = [
        *source.notes,
        f"The table stays where it lives ({source.dialect}, "
        f"{'about ' if source.rows_estimated else ''}{source.n_rows:,} rows): charts are "
        f"computed there; planning and steps without SQL read {info.text()}.",
    ]
    return EngineLoadedTable(
        _sample_index(sample),
        source.name if is_database_url(spec) else Path(spec).name,
        fmt,
        warnings=notes,
        source=source,
        profile=profile,
        sample=info,
    )


def _sample(source: EngineTable, seed: int) -> tuple[pd.DataFrame, SampleInfo]:
    """The seeded sample: the one kept for this file version, or drawn now (and kept)."""
    if source.origin == "csv":
        return line_sample_frame(source, seed)  # cheap, and the copy replaces it soon
    key = profile_cache.key(source, f"sample, seed {seed}")
    kept = profile_cache.load_sample(source, key)
    if kept is not None:
        return kept[0], SampleInfo(**kept[1])
    sample, info = sample_frame(source, seed)
    profile_cache.save_sample(source, key, sample, asdict(info))
    return sample, info


def _sample_index(sample: pd.DataFrame) -> pd.DataFrame:
    return sample.reset_index(drop=True)
