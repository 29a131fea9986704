"""Turn an uploaded file into a DataFrame, or a one-line reason why not.

Formats: CSV/TSV/TXT (delimiter and encoding sniffed, BOM handled; gzip/bz2/xz-compressed
too), Excel (.xlsx, first sheet), Parquet, JSON lines and JSON arrays. Everything passes the
guard first (data/guard.py: what the path is, the memory budget, the load time limit). Limits
(bytes, rows, columns, cell size) come from config.yaml and are checked before the expensive
parse wherever the format allows it.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autoviz_core.config import Limits
from autoviz_core.data.cleaning import clean_columns, coerce_column_types
from autoviz_core.data.compression import compression_of, decompress_bounded, inner_name
from autoviz_core.data.guard import (
    admit_path,
    check_memory_budget,
    check_upload_size,
    display_text,
    within_time_limit,
)
from autoviz_core.errors import DataLoadError

TEXT_EXTENSIONS = {".csv", ".tsv", ".txt", ".tab", ".dat", ""}
EXCEL_EXTENSIONS = {".xlsx", ".xlsm"}
PARQUET_EXTENSIONS = {".parquet", ".pq"}
JSON_EXTENSIONS = {".jsonl", ".ndjson", ".json"}
SUPPORTED = sorted(TEXT_EXTENSIONS | EXCEL_EXTENSIONS | PARQUET_EXTENSIONS | JSON_EXTENSIONS - {""})
DELIMITERS = [",", ";", "\t", "|"]
SNIFF_BYTES = 64 * 1024
HEADER_BYTES = 4 * 1024 * 1024  # a header row longer than this is refused as unreadable
MAX_ZIP_RATIO = 200  # an xlsx expanding more than this is treated as a zip bomb


@dataclass
class LoadedTable:
    """A loaded table plus what the person should know about how it was read."""

    df: pd.DataFrame
    name: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    warnings: list[str] = field(default_factory=list)


def load_table(path: str | Path, limits: Limits | None = None) -> LoadedTable:
    """Load a file from disk: only what data/guard.py admits (a regular file, or a pipe read
    once), within the memory budget and the load time limit."""
    limits = limits or Limits()
    p = Path(path)
    started = time.monotonic()
    data = admit_path(p, limits)  # a pipe is read here, within load_timeout_s itself
    left = limits.load_timeout_s - (time.monotonic() - started)
    return within_time_limit(
        lambda: _load_path(p, data, limits), max(left, 0.01), limits.load_timeout_s
    )


def _load_path(p: Path, data: bytes | None, limits: Limits) -> LoadedTable:
    name = display_text(p.name)
    if data is not None:  # what a pipe delivered
        return _load_bytes(data, name, limits)
    try:
        if compression_of(_first_bytes(p, 16)) is not None:
            return _load_bytes(p.read_bytes(), name, limits)
        check_memory_budget(p, limits)
        table = _load_from_path(p, name, limits)
        if table is not None:
            return _finish(table, limits)
        return _load_bytes(p.read_bytes(), name, limits)
    except OSError as exc:  # unreadable after all (permissions, a file that vanished, EIO)
        raise DataLoadError(f"{name} could not be read: {exc.strerror or exc}.") from None


def _first_bytes(p: Path, size: int) -> bytes:
    with p.open("rb") as fh:
        return fh.read(size)


def _load_from_path(p: Path, name: str, limits: Limits) -> LoadedTable | None:
    """Parquet and clean UTF-8 text read straight from the file, so the raw bytes are never
    held next to the table (the headless CLI reads multi-million-row files this way).
    None when the file needs the in-memory path (other formats, encodings, damaged files)."""
    with p.open("rb") as fh:
        head = fh.read(HEADER_BYTES)
    if not re.search(rb"\S", head):
        return None
    try:
        kind = _detect_format(head, name)
    except DataLoadError:
        return None
    if kind == "parquet":
        return _load_parquet(str(p), name, limits)
    scan = _scan_utf8_file(p) if kind == "text" else None
    if scan is None:
        return None
    notes: list[str] = []
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    head_text = text.decode("utf-8", errors="ignore")  # a character cut at the 4 MB mark
    delimiter = sniff_delimiter(head_text[:SNIFF_BYTES], name)
    header = _read_header(head_text, delimiter)
    if len(header) > limits.max_columns:
        return None  # the in-memory path says so, with the same message as for an upload
    zeros = set(_leading_zero_columns(text, delimiter))
    df = _parse_csv_arrow(str(p), delimiter, zeros, quoted=scan.has_quotes)
    if df is None or len(df.columns) != len(header):
        return None
    df.columns = pd.Index(clean_columns([str(c) for c in header], notes))
    encoding = "utf-8-sig" if text is not head else "utf-8"
    fmt = "csv" if delimiter != "\t" else "tsv"
    return LoadedTable(df, name, fmt, encoding, delimiter, notes)


@dataclass
class _TextScan:
    has_quotes: bool


def _scan_utf8_file(p: Path, chunk: int = 1 << 22) -> _TextScan | None:
    """One pass in 4 MB chunks: valid UTF-8 without NUL bytes or a UTF-16 BOM (else None),
    and whether any field is quoted (then a value may hold a newline)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    quotes = False
    with p.open("rb") as fh:
        first = True
        while block := fh.read(chunk):
            if first and (
                block.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_binary(block[:SNIFF_BYTES])
            ):
                return None
            first = False
            if b"\x00" in block:
                return None
            quotes = quotes or b'"' in block
            if not block.isascii():
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    return None
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    return _TextScan(has_quotes=quotes)


def load_table_bytes(data: bytes, filename: str, limits: Limits | None = None) -> LoadedTable:
    """Load a file's bytes; `filename` only chooses the format (it never touches the disk).
    Within the memory budget and the load time limit, like `load_table`."""
    limits = limits or Limits()
    name = display_text(filename)
    return within_time_limit(lambda: _load_bytes(data, name, limits), limits.load_timeout_s)


def _load_bytes(data: bytes, filename: str, limits: Limits) -> LoadedTable:
    check_upload_size(len(data), limits)
    notes: list[str] = []
    packed = compression_of(data[:16])
    if packed is not None:
        size = len(data)
        data = decompress_bounded(data, packed, limits.max_upload_bytes)
        notes.append(f"Decompressed the {packed} file: {size:,} bytes became {len(data):,}.")
    if not re.search(rb"\S", data):  # not data.strip(): that copies the whole file
        raise DataLoadError("The file is empty.", "Upload a file with a header row and data.")
    inner = inner_name(filename) if packed else filename  # "t.tsv.gz" is read as "t.tsv"
    kind = _detect_format(data, inner)
    if kind == "excel":
        _check_zip_bomb(data, limits)  # the more specific diagnosis, before the budget's
    check_memory_budget(data, limits)
    loaders = {
        "excel": _load_excel,
        "parquet": _load_parquet,
        "json": _load_json,
        "text": _load_text,
    }
    table = loaders[kind](data, inner, limits)
    table.name = filename
    table.warnings[:0] = notes
    return _finish(table, limits)


def table_from_dataframe(df: pd.DataFrame, name: str, limits: Limits | None = None) -> LoadedTable:
    """Wrap an in-memory DataFrame (a sample dataset) with the same checks and clean-up."""
    notes: list[str] = []
    df = df.copy()
    df.columns = pd.Index(clean_columns([str(c) for c in df.columns], notes))
    return _finish(LoadedTable(df, name, "dataframe", warnings=notes), limits or Limits())


def _detect_format(data: bytes, filename: str) -> str:
    """Trust the content over the extension: a renamed file still loads or fails clearly."""
    ext = Path(filename).suffix.lower()
    if data[:4] == b"PAR1":
        return "parquet"
    if data[:4] == b"PK\x03\x04":
        if ext in EXCEL_EXTENSIONS or _zip_has(data, "xl/workbook.xml"):
            return "excel"
        raise DataLoadError(
            "The file is a zip archive, not a table.", "Unzip it and upload the table."
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DataLoadError(
            "Old Excel .xls files are not supported.", "Save it as .xlsx or CSV and upload again."
        )
    if ext in EXCEL_EXTENSIONS | PARQUET_EXTENSIONS:
        raise DataLoadError(f"The file is named {ext} but its content is not {ext[1:]}.")
    if ext in JSON_EXTENSIONS or data.lstrip()[:1] in (b"[", b"{"):
        return "json"
    if ext not in TEXT_EXTENSIONS:
        raise DataLoadError(
            f"Unsupported file type {ext!r}.", f"Supported: {', '.join(SUPPORTED)}."
        )
    return "text"


def _zip_has(data: bytes, member: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return member in zf.namelist()
    except zipfile.BadZipFile:
        return False


# ------------------------------------------------------------------ text (CSV/TSV)
def _load_text(data: bytes, filename: str, limits: Limits) -> LoadedTable:
    notes: list[str] = []
    utf8, encoding = utf8_bytes(data, notes)
    del data  # pandas parses the UTF-8 bytes; no Python str of the whole file is ever built
    if not re.search(rb"\S", utf8):
        raise DataLoadError("The file is empty.", "Upload a file with a header row and data.")
    head = utf8[:HEADER_BYTES].decode("utf-8", errors="replace")
    delimiter = sniff_delimiter(head[:SNIFF_BYTES], filename)
    header = _read_header(head, delimiter)
    if len(header) > limits.max_columns:
        raise DataLoadError(
            f"The file declares {len(header):,} columns, over the {limits.max_columns:,} limit.",
            "Raise limits.max_columns in config.yaml or select fewer columns.",
        )
    df = _parse_csv(utf8, delimiter, limits, notes)
    df.columns = pd.Index(clean_columns([str(c) for c in header[: len(df.columns)]], notes))
    return LoadedTable(
        df, filename, "csv" if delimiter != "\t" else "tsv", encoding, delimiter, notes
    )


def utf8_bytes(data: bytes, notes: list[str]) -> tuple[bytes, str]:
    """The file as UTF-8 bytes (BOM removed, NULs dropped, legacy encodings converted).

    UTF-8 is validated chunk by chunk, so checking a large file never holds it twice as text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:], "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")  # odd length when truncated
        return text.encode("utf-8"), "utf-16"
    if _looks_binary(data[:SNIFF_BYTES]):
        raise DataLoadError(
            "The file looks binary, not like a text table.",
            "Upload CSV, TSV, Excel (.xlsx), Parquet or JSON lines.",
        )
    if b"\x00" in data:
        notes.append(f"Removed {data.count(0):,} NUL bytes from the file.")
        data = data.replace(b"\x00", b"")
    if _is_utf8(data):
        return data, "utf-8"
    encoding = _guess_legacy_encoding(data)
    notes.append(f"The file is not UTF-8; read it as {encoding}.")
    return data.decode(encoding, errors="replace").encode("utf-8"), encoding


def _is_utf8(data: bytes, chunk: int = 1 << 20) -> bool:
    if data.isascii():  # one fast C pass; most tables are plain ASCII
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), chunk):
            decoder.decode(data[start : start + chunk], final=start + chunk >= len(data))
    except UnicodeDecodeError:
        return False
    return True


def decode_text(data: bytes, notes: list[str]) -> tuple[str, str]:
    """Decode bytes as text: BOM first, then strict UTF-8, then a detected legacy encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"  # odd length when truncated
    sample = data[:SNIFF_BYTES]
    if _looks_binary(sample):
        raise DataLoadError(
            "The file looks binary, not like a text table.",
            "Upload CSV, TSV, Excel (.xlsx), Parquet or JSON lines.",
        )
    if b"\x00" in data:
        notes.append(f"Removed {data.count(0):,} NUL bytes from the file.")
        data = data.replace(b"\x00", b"")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _guess_legacy_encoding(data)
    notes.append(f"The file is not UTF-8; read it as {encoding}.")
    return data.decode(encoding, errors="replace"), encoding


def _looks_binary(sample: bytes) -> bool:
    """Many control bytes (beyond the odd NUL) mean this is not a text table."""
    if not sample:
        return False
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return control / len(sample) > 0.1


def _guess_legacy_encoding(data: bytes) -> str:
    """cp1252 unless a detector is sure of a non-Latin script (short samples fool detectors)."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 4 * SNIFF_BYTES]).best()
    name = (best.encoding if best else "") or "cp1252"
    latin_like = name.lower().replace("-", "_") in _LATIN_LIKE or name.startswith("iso8859")
    if (latin_like or best is None) and _decodes(data, "cp1252"):
        return "cp1252"
    if _decodes(data, name):
        return name
    return "cp1252" if _decodes(data, "cp1252") else "latin-1"


_LATIN_LIKE = {
    "utf_8",
    "ascii",
    "cp1250",
    "cp1252",
    "latin_1",
    "iso8859_1",
    "iso8859_15",
    "mac_roman",
}


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def sniff_delimiter(sample: str, filename: str = "") -> str:
    """The delimiter that splits the first lines most consistently (tab for .tsv)."""
    if Path(filename).suffix.lower() in {".tsv", ".tab"}:
        return "\t"
    lines = [ln for ln in sample.splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters="".join(DELIMITERS))
        if dialect.delimiter in DELIMITERS and _splits(lines, dialect.delimiter):
            return dialect.delimiter
    except csv.Error:
        pass
    scores = {d: _consistency(lines, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (scores[d], -DELIMITERS.index(d)))
    return best if scores[best] > 0 else ","


def _splits(lines: list[str], delimiter: str) -> bool:
    return len(next(csv.reader([lines[0]], delimiter=delimiter))) > 1 or len(lines) == 1


def _consistency(lines: list[str], delimiter: str) -> float:
    counts = [len(next(csv.reader([ln], delimiter=delimiter))) for ln in lines[:20]]
    if max(counts) <= 1:
        return 0.0
    same = sum(1 for c in counts if c == counts[0])
    return same / len(counts) * counts[0]


def _read_header(text: str, delimiter: str) -> list[str]:
    first = text[: min(len(text), 4 * 1024 * 1024)]
    reader = csv.reader(io.StringIO(first), delimiter=delimiter)
    try:
        return next(reader)
    except (StopIteration, csv.Error):
        raise DataLoadError("Could not read a header row.") from None


def _leading_zero_columns(text: bytes, delimiter: str) -> dict[str, type]:
    """Columns whose first rows hold codes like "02134": read them as text, not numbers."""
    if not _may_have_leading_zeros(text, delimiter):
        return {}  # no data field starts with 0 and a digit: nothing for pandas to find below
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            head = pd.read_csv(
                io.BytesIO(text), sep=delimiter, nrows=2000, dtype=str, on_bad_lines="skip"
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error):
            return {}
    return {str(c): str for c in head.columns if head[c].str.match(r"^0\d+$", na=False).any()}


def _may_have_leading_zeros(text: bytes, delimiter: str) -> bool:
    """Whether a field (quoted or not) starts with 0 and a digit somewhere in `text`. Each
    pattern starts with a literal, which the regex engine finds at memory speed: 12 ms for
    4 MB, against 35 ms for one pattern with a character class and 30 ms for pandas."""
    starts = (delimiter.encode(), b"\n")
    return any(
        re.search(re.escape(start + quote + b"0") + rb"\d", text)
        for start in starts
        for quote in (b"", b'"')
    )


# pandas' default missing-value markers, so both parsers read the same cells as missing
NA_VALUES = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
    "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
]  # fmt: skip
ARROW_BLOCK_BYTES = 8 << 20  # types are inferred from the first block: make it a large one
STREAM_BYTES = 256 << 20  # files above this are parsed block by block (lower peak memory)


def _parse_csv(text: bytes, delimiter: str, limits: Limits, notes: list[str]) -> pd.DataFrame:
    """Arrow's multithreaded columnar reader for well-formed files, pandas' for the rest.

    Arrow reads a clean file several times faster and without per-cell Python objects; any
    file it does not read exactly as pandas would (ragged rows, a type that changes after the
    first block, times of day) goes through the pandas parser, which pads, skips and reports.
    """
    as_text = _leading_zero_columns(text, delimiter)
    fast = _parse_csv_arrow(text, delimiter, set(as_text))
    if fast is not None:
        return fast
    return _parse_csv_pandas(text, delimiter, as_text, limits, notes)


def _parse_csv_arrow(
    source: bytes | str, delimiter: str, as_text: set[str], quoted: bool | None = None
) -> pd.DataFrame | None:
    """The table via pyarrow.csv, or None when pandas must read it (see _parse_csv)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    ragged = 0

    def on_invalid_row(_: object) -> str:
        nonlocal ragged
        ragged += 1
        return "skip"

    if quoted is None:
        quoted = b'"' in source if isinstance(source, bytes) else True
    read = pacsv.ReadOptions(block_size=ARROW_BLOCK_BYTES)
    # a quoted field may hold a newline; without quotes Arrow splits blocks in parallel
    parse = pacsv.ParseOptions(
        delimiter=delimiter, newlines_in_values=quoted, invalid_row_handler=on_invalid_row
    )
    convert = pacsv.ConvertOptions(
        null_values=NA_VALUES,
        strings_can_be_null=True,
        true_values=["True", "TRUE", "true"],
        false_values=["False", "FALSE", "false"],
        column_types=dict.fromkeys(as_text, pa.string()),
    )
    try:
        if isinstance(source, bytes):
            table = pacsv.read_csv(pa.py_buffer(source), read, parse, convert, arrow_pool())
        elif os.path.getsize(source) > STREAM_BYTES:
            # block by block: the multithreaded reader holds about twice the file meanwhile
            table = pacsv.open_csv(source, read, parse, convert, arrow_pool()).read_all()
        else:
            table = pacsv.read_csv(source, read, parse, convert, arrow_pool())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError, OSError):
        return None
    if ragged or table.num_columns == 0:
        return None
    table = _with_pandas_types(table)  # rebinding drops the parsed table: no second owner
    if table is None:
        return None
    # split_blocks + self_destruct: each column is freed as it is converted (no second copy)
    return table.to_pandas(split_blocks=True, self_destruct=True, memory_pool=arrow_pool())


@lru_cache(maxsize=1)
def arrow_pool() -> Any:
    """The memory pool Arrow parses files into: jemalloc returning freed pages at once where
    pyarrow has it. The default pool (mimalloc) keeps what the parser's threads freed, so a
    1M-row CSV peaked at ~4x its table (+340 MB for 87 MB); this pool peaks ~100 MB lower
    at the same speed, and the process's memory after loading is the table's."""
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(0)
    except (NotImplementedError, pa.ArrowNotImplementedError):
        return pa.default_memory_pool()
    pa.set_memory_pool(pool)  # the CSV reader allocates some buffers from the default pool
    return pool


def _with_pandas_types(table: Any) -> Any:
    """The table with the column types the pandas parser gives (dates as timestamps, UTC
    wall time for offsets, empty columns as floats); None for a type it would not."""
    import pyarrow as pa

    columns = []
    for i, spec in enumerate(table.schema):
        t, col = spec.type, table.column(i)
        if pa.types.is_date(t) or (pa.types.is_timestamp(t) and t.tz is None):
            col = col.cast(pa.timestamp("us"))
        elif pa.types.is_timestamp(t):  # an offset in the text: UTC wall time, as _as_datetime
            col = col.cast(pa.timestamp("us", tz="UTC")).cast(pa.timestamp("us"))
        elif pa.types.is_null(t):
            col = col.cast(pa.float64())
        elif not (
            pa.types.is_integer(t)
            or pa.types.is_floating(t)
            or pa.types.is_boolean(t)
            or pa.types.is_string(t)
            or pa.types.is_large_string(t)
        ):
            return None  # times of day, decimals ...: pandas keeps them as text
        columns.append(col)
    return pa.table(columns, names=[f"c{i}" for i in range(len(columns))])


def _parse_csv_pandas(
    text: bytes, delimiter: str, as_text: dict[str, type], limits: Limits, notes: list[str]
) -> pd.DataFrame:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            df = pd.read_csv(
                io.BytesIO(text),
                encoding="utf-8",
                encoding_errors="replace",
                sep=delimiter,
                dtype=as_text or None,  # type: ignore[arg-type]
                header=0,
                nrows=limits.max_rows + 1,
                on_bad_lines="warn",
                skipinitialspace=False,
                low_memory=False,
            )
        except pd.errors.EmptyDataError:
            raise DataLoadError("The file is empty.") from None
        except (pd.errors.ParserError, ValueError, csv.Error) as exc:
            raise DataLoadError(
                f"The file could not be parsed as a table: {_first_line(exc)}"
            ) from None
    skipped = sum(len(re.findall(r"Skipping line", str(w.message))) for w in caught)
    if skipped:
        notes.append(f"Skipped {skipped:,} malformed rows (wrong number of fields).")
    return df


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


# ------------------------------------------------------------------ Excel, Parquet, JSON
def _load_excel(data: bytes, filename: str, limits: Limits) -> LoadedTable:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it cannot read
            with pd.ExcelFile(io.BytesIO(data), engine="openpyxl") as book:
                names = book.sheet_names
                # only the first sheet is parsed: the others are never expanded
                df = book.parse(names[0]) if names else None
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise DataLoadError(f"The Excel file could not be read: {_first_line(exc)}") from None
    notes: list[str] = []
    if df is None:
        raise DataLoadError("The Excel file has no sheets.")
    if len(names) > 1:
        notes.append(f"The workbook has {len(names)} sheets; loaded the first, {names[0]!r}.")
    df.columns = pd.Index(clean_columns([str(c) for c in df.columns], notes))
    return LoadedTable(df, filename, "excel", warnings=notes)


def _check_zip_bomb(data: bytes, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            expanded = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        raise DataLoadError("The Excel file is damaged (not a valid zip).") from None
    if expanded > max(limits.max_upload_bytes * 4, MAX_ZIP_RATIO * len(data)):
        raise DataLoadError(
            f"The Excel file expands to {expanded / 1e6:,.0f} MB, which looks like a zip bomb.",
            "Export the sheet as CSV and upload that.",
        )


def _load_parquet(data: bytes | str, filename: str, limits: Limits) -> LoadedTable:
    """Parquet from bytes or a path (a path is memory-mapped, not read into Python first)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def source() -> object:
        return io.BytesIO(data) if isinstance(data, bytes) else data

    try:
        meta = pq.ParquetFile(source()).metadata
        _check_parquet_meta(meta, limits)
        pool = arrow_pool()  # also made the default: the reader allocates from it
        table = pq.read_table(source(), memory_map=isinstance(data, str))
        df = table.to_pandas(split_blocks=True, self_destruct=True, memory_pool=pool)
        del table
    except DataLoadError:
        raise
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataLoadError(f"The Parquet file could not be read: {_first_line(exc)}") from None
    notes: list[str] = []
    df.columns = pd.Index(clean_columns([str(c) for c in df.columns], notes))
    return LoadedTable(df.reset_index(drop=True), filename, "parquet", warnings=notes)


def _check_parquet_meta(meta: object, limits: Limits) -> None:
    num_rows = int(getattr(meta, "num_rows", 0))
    num_cols = int(getattr(meta, "num_columns", 0))
    _check_shape(num_rows, num_cols, limits)
    expanded = sum(
        meta.row_group(i).total_byte_size  # type: ignore[attr-defined]
        for i in range(getattr(meta, "num_row_groups", 0))
    )
    if expanded > limits.max_upload_bytes * 8:
        raise DataLoadError(
            f"The Parquet file expands to {expanded / 1e6:,.0f} MB in memory, over the limit.",
            "Raise limits.max_upload_mb in config.yaml or upload fewer rows.",
        )


def _load_json(data: bytes, filename: str, limits: Limits) -> LoadedTable:
    notes: list[str] = []
    text, encoding = decode_text(data, notes)
    stripped = text.lstrip()
    lines = not stripped.startswith("[") and "\n" in stripped.strip()
    try:
        df = pd.read_json(io.StringIO(text), lines=lines, dtype=False)
    except ValueError as exc:
        if not lines and stripped.startswith("{"):
            try:
                df = pd.read_json(io.StringIO(text), lines=True, dtype=False)
            except ValueError:
                raise DataLoadError(
                    f"The JSON could not be read as a table: {_first_line(exc)}"
                ) from None
        else:
            raise DataLoadError(
                f"The JSON could not be read as a table: {_first_line(exc)}"
            ) from None
    df.columns = pd.Index(clean_columns([str(c) for c in df.columns], notes))
    fmt = "jsonl" if lines else "json"
    return LoadedTable(df, filename, fmt, encoding, warnings=notes)


# ------------------------------------------------------------------ common checks
def _check_shape(rows: int, cols: int, limits: Limits) -> None:
    if cols > limits.max_columns:
        raise DataLoadError(
            f"The table has {cols:,} columns, over the {limits.max_columns:,} limit.",
            "Raise limits.max_columns in config.yaml or select fewer columns.",
        )
    if rows > limits.max_rows:
        raise DataLoadError(
            f"The table has more than {limits.max_rows:,} rows, over the limit.",
            "Raise limits.max_rows in config.yaml or upload a sample.",
        )


def _finish(table: LoadedTable, limits: Limits) -> LoadedTable:
    """Shared checks and type clean-up for every format."""
    df = table.df
    _check_shape(len(df), len(df.columns), limits)
    if len(df.columns) == 0:
        raise DataLoadError("The file has no columns.")
    if len(df) == 0:
        raise DataLoadError(
            "The file has a header but no data rows.", "Add data rows below the header."
        )
    table.df = coerce_column_types(_nested_as_text(df, table.warnings), limits, table.warnings)
    return table


def _nested_as_text(df: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Nested JSON objects, lists and Parquet list/struct cells become JSON text: they are
    unhashable, and every later stage (profiling, grouping) hashes cell values."""
    nested = [
        name
        for name in df.columns
        if pd.api.types.is_object_dtype(df[name])
        and df[name].map(lambda v: isinstance(v, dict | list | tuple | set | np.ndarray)).any()
    ]
    if not nested:
        return df
    df = df.copy()
    for name in nested:
        df[name] = df[name].map(_as_json_text).astype("str")
        notes.append(f"Column {name!r} holds nested values; they are kept as JSON text.")
    return df


def _as_json_text(value: object) -> object:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, dict | list | tuple | set):
        return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)
    return value
