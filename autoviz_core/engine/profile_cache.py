"""Profiles and samples of unchanged files, kept in the cache folder: a later question on the
same file (same paths, sizes and modification times, same columns) skips the profile scans and
the sample draw (measured at 20 M rows: 1.2 s to draw 47,000 rows, 0.02 s to read them back).

Database tables are never cached: their rows change without a file to notice it.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import pandas as pd

from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.engine.source import EngineTable

VERSION = "1"  # bump when the profile's rules change: older entries are then never read


def key(et: EngineTable, rules: str = "") -> str | None:
    """What identifies the table's content (and the profile's `rules`), or None when it
    cannot be known (a database)."""
    if not et.files or et.cache_dir is None:
        return None
    h = hashlib.sha256(VERSION.encode())
    for f in et.files:
        try:
            st = os.stat(f)
        except OSError:
            return None
        h.update(f"{os.path.abspath(f)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    h.update(json.dumps([et.n_rows, et.sample_rows, str(et.table.schema()), rules]).encode())
    return h.hexdigest()[:32]


def load(et: EngineTable, cache_key: str | None) -> SchemaProfile | None:
    """The kept profile for `cache_key`, or None (also for an unreadable entry)."""
    if cache_key is None or et.cache_dir is None:
        return None
    path = et.cache_dir / "profiles" / f"{cache_key}.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        profile = SchemaProfile.model_validate(doc["profile"])
        profile.category_values = {str(k): list(v) for k, v in doc["values"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    et.notes.append("Read the profile kept from an earlier question on the same file.")
    return profile


def save(et: EngineTable, cache_key: str | None, profile: SchemaProfile) -> None:
    """Keep the profile (best effort: a read-only cache only costs the next question time)."""
    if cache_key is None or et.cache_dir is None:
        return
    folder = et.cache_dir / "profiles"
    doc = {"profile": profile.model_dump(mode="json"), "values": profile.category_values}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{cache_key}.{os.getpid()}.partial"
        partial.write_text(json.dumps(doc), encoding="utf-8")
        os.replace(partial, folder / f"{cache_key}.json")
    except OSError:
        return


def load_sample(
    et: EngineTable, cache_key: str | None
) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """The kept sample (a Parquet file) and how it was drawn, or None."""
    if cache_key is None or et.cache_dir is None:
        return None
    base = et.cache_dir / "samples" / cache_key
    try:
        how = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
        frame = pd.read_parquet(base.with_suffix(".parquet"))
    except (OSError, ValueError):
        return None
    return frame, how


def save_sample(
    et: EngineTable, cache_key: str | None, frame: pd.DataFrame, how: dict[str, Any]
) -> None:
    """Keep the sample (best effort, as the profile)."""
    if cache_key is None or et.cache_dir is None:
        return
    folder = et.cache_dir / "samples"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{cache_key}.{os.getpid()}.partial"
        frame.to_parquet(partial)
        os.replace(partial, folder / f"{cache_key}.parquet")
        (folder / f"{cache_key}.json").write_text(json.dumps(how), encoding="utf-8")
    except (OSError, ValueError):
        return
