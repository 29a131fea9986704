"""Open a table where it lives: files (CSV, Parquet, a glob of either) queried in place by
DuckDB, a DuckDB database file, or a PostgreSQL table, each as an EngineTable.

Every query is an ibis expression: identifiers and values reach SQL only through ibis's
quoting, never by string formatting. Databases are opened read-only (PostgreSQL: every
transaction read-only; DuckDB files: read_only=True); a password comes from the environment
(PGPASSWORD) or the app's secrets, never from a URL, and no message, report or log names it.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote, urlsplit

from autoviz_core.config import Settings
from autoviz_core.data.cleaning import clean_columns
from autoviz_core.engine.csv_lines import sample_lines
from autoviz_core.engine.query import Canceller, OnProgress, run_query
from autoviz_core.errors import DataLoadError

if TYPE_CHECKING:
    import pyarrow as pa

Dialect = Literal["duckdb", "postgres"]
DATABASE_SCHEMES = ("postgresql", "postgres", "duckdb")
PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz")
_GLOB = re.compile(r"[*?\[]")
TABLE_VIEW = "autoviz_data"
CSV_VIEW = "autoviz_csv"
MAKING_STALE_S = 3600.0  # a copy under way this long was abandoned: another may start
CSV_TYPES = ["BIGINT", "DOUBLE", "TIMESTAMP", "DATE", "VARCHAR"]
# The columnar copy's compression: writing 100 M rows x 12 columns took 47 s with lz4_raw
# against 72 s with DuckDB's default snappy (zstd level 1: 54 s; none: 51 s), same size.
COPY_COMPRESSION = "lz4_raw"


@dataclass
class EngineTable:
    """A table that stays where it lives: the ibis expression of its rows and what runs it."""

    backend: Any  # the ibis backend (connection)
    table: Any  # ibis Table, columns under the names the profile uses
    name: str  # what reports show: a file name or host/database/table, never credentials
    dialect: Dialect
    n_rows: int
    budget_bytes: int
    progress_after_s: float = 2.0
    sample_rows: int = 50_000
    origin: str = "files"  # files | csv copy | database
    notes: list[str] = field(default_factory=list)
    on_progress: OnProgress | None = None
    canceller: Canceller | None = None
    secrets: tuple[str, ...] = ()  # text that must never appear in a message (a password)
    files: list[str] = field(default_factory=list)  # the Parquet files read (footer statistics)
    original_names: dict[str, str] = field(default_factory=dict)  # profile name -> file's name
    cache_dir: Path | None = None  # where profiles of unchanged files are kept
    csv_files: list[str] = field(default_factory=list)  # origin "csv": the CSV read in place
    copy_path: Path | None = None  # origin "csv": where its columnar copy goes
    rows_estimated: bool = False  # n_rows estimated from sampled lines (origin "csv")

    @property
    def profiled_from_sample(self) -> bool:
        """A CSV read in place: every full pass parses the file, so the profile reads the
        sample only (and says so) until the columnar copy is made."""
        return self.origin == "csv"

    def __post_init__(self) -> None:
        if self.canceller is None:
            self.canceller = Canceller(self.backend, self.dialect)

    def with_table(self, table: Any) -> EngineTable:
        """The same source over another expression (derived columns added, say)."""
        return replace(self, table=table)

    def cancel(self) -> None:
        """Stop the running query (callable from any thread, e.g. the app's Stop button)."""
        assert self.canceller is not None
        self.canceller.cancel()

    def fetch(self, expr: Any, stage: str) -> pa.Table:
        """Run `expr` and return its rows as Arrow (aggregates or a bounded sample)."""
        assert self.canceller is not None
        return self._run(lambda: self.backend.to_pyarrow(expr), stage)

    def fetch_duckdb_sql(self, sql: str, stage: str) -> pa.Table:
        """Rows of a DuckDB query whose text ibis compiled (a sampling clause added by the
        caller: ibis has no USING SAMPLE); never text made from names or values."""
        return self._run(lambda: self.backend.con.sql(sql).to_arrow_table(), stage)

    def scalar(self, expr: Any, stage: str) -> Any:
        """One value (a count, a check) computed by the engine."""
        result = self.fetch(expr.name("value").as_table(), stage)
        return result.column(0)[0].as_py() if result.num_rows else None

    def _run(self, work: Any, stage: str) -> Any:
        assert self.canceller is not None
        try:
            return run_query(
                work,
                self.canceller,
                stage,
                rows_total=self.n_rows,
                on_progress=self.on_progress,
                progress_after_s=self.progress_after_s,
            )
        except DataLoadError:
            raise
        except Exception as exc:
            if self.secrets and any(s in str(exc) for s in self.secrets):
                raise type(exc)(redact(str(exc), self.secrets)) from None
            raise

    def close(self) -> None:
        """Close the connection (a database session ends; DuckDB frees its memory)."""
        disconnect = getattr(self.backend, "disconnect", None)
        if disconnect is not None:
            disconnect()

    def __enter__(self) -> EngineTable:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


# ---------------------------------------------------------------- what a spec names
def is_database_url(spec: str) -> bool:
    """postgresql://..., postgres://... or duckdb:///path/file.duckdb."""
    return urlsplit(spec).scheme.lower() in DATABASE_SCHEMES and "://" in spec


def is_file_pattern(spec: str) -> bool:
    """A glob of files (data/*.parquet) rather than one file."""
    return bool(_GLOB.search(Path(spec).name)) or bool(_GLOB.search(str(Path(spec).parent)))


def redact(text: str, secrets: Sequence[str]) -> str:
    """`text` with every secret replaced by ***."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


# ---------------------------------------------------------------- DuckDB over files
def duckdb_backend(settings: Settings, database: str = ":memory:", read_only: bool = False) -> Any:
    """A DuckDB connection held to the memory budget (it spills to a temp folder beyond it)."""
    import ibis

    config: dict[str, Any] = {"memory_limit": f"{int(settings.limits.memory_budget_mb)}MB"}
    if settings.engine.threads:
        config["threads"] = settings.engine.threads
    try:
        backend = ibis.duckdb.connect(database, read_only=read_only, **config)
    except Exception as exc:
        raise DataLoadError(f"DuckDB could not open {Path(database).name}: {_line(exc)}") from None
    # progress figures for query_progress(), never printed to the terminal by DuckDB itself
    backend.con.execute("SET enable_progress_bar = true")
    backend.con.execute("SET enable_progress_bar_print = false")
    return backend


def open_files(spec: str, settings: Settings) -> EngineTable:
    """A file or a glob of CSV / Parquet files, queried in place; CSV through a columnar copy."""
    files = _matching_files(spec)
    backend = duckdb_backend(settings)
    kind = _file_kind(files)
    notes: list[str] = []
    name = Path(spec).name
    try:
        if kind == "csv" and not copy_target(files, settings).exists():
            in_place = _csv_in_place(backend, files, name, settings, notes)
            if in_place is not None:
                return in_place
        if kind == "parquet":
            parquet = files
            origin = "files"
        else:
            parquet = [columnar_copy(backend, files, settings, notes)]
            origin = "csv copy"
        table = backend.read_parquet(parquet, table_name=TABLE_VIEW)
    except DataLoadError:
        raise
    except Exception as exc:
        raise DataLoadError(f"The file could not be read by DuckDB: {_line(exc)}") from None
    out = _engine_table(backend, table, name, "duckdb", settings, origin, notes)
    out.files, out.cache_dir = parquet, cache_folder(settings)
    return out


def _csv_in_place(
    backend: Any, files: list[str], name: str, settings: Settings, notes: list[str]
) -> EngineTable | None:
    """A CSV big enough (engine.csv_in_place_above_mb) read where it lies for its first
    question, its row count estimated from sampled lines; None when it is smaller or cannot
    be sampled by lines (then the columnar copy is made first)."""
    size_mb = sum(os.path.getsize(f) for f in files) / 2**20
    if size_mb < settings.engine.csv_in_place_above_mb:
        return None
    lines = sample_lines(files, settings.engine.sample_rows, settings.planner.seed)
    if lines is None:
        return None
    table = backend.read_csv(files, table_name=CSV_VIEW, auto_type_candidates=CSV_TYPES)
    about = "" if lines.complete else "about "
    notes.append(
        f"Read the CSV where it lies for this first question ({size_mb:,.0f} MB; {about}"
        f"{lines.rows_estimate:,} rows{'' if lines.complete else ', estimated from sampled lines'}"
        "); a columnar copy for later questions is made after the answer."
    )
    out = _engine_table(
        backend, table, name, "duckdb", settings, "csv", notes, n_rows=lines.rows_estimate
    )
    out.csv_files, out.rows_estimated = files, not lines.complete
    out.copy_path, out.cache_dir = copy_target(files, settings), cache_folder(settings)
    return out


def _matching_files(spec: str) -> list[str]:
    path = Path(spec).expanduser()
    if is_file_pattern(spec):
        files = sorted(str(p) for p in path.parent.glob(path.name) if p.is_file())
        if not files:
            raise DataLoadError(f"No file matches {spec}.")
        return files
    if not path.exists():
        raise DataLoadError(f"File not found: {path}.")
    if not path.is_file():
        raise DataLoadError(f"{path} is not a regular file.")
    return [str(path)]


def _file_kind(files: list[str]) -> Literal["parquet", "csv"]:
    kinds = set()
    for f in files:
        with open(f, "rb") as fh:
            magic = fh.read(4)
        if magic == b"PAR1" or f.lower().endswith(PARQUET_SUFFIXES):
            kinds.add("parquet")
        elif f.lower().endswith(CSV_SUFFIXES):
            kinds.add("csv")
        else:
            raise DataLoadError(
                f"{Path(f).name}: only CSV and Parquet files are queried in place.",
                "Convert the file to Parquet or CSV.",
            )
    if len(kinds) > 1:
        raise DataLoadError("The pattern matches both CSV and Parquet files; match one kind.")
    return "parquet" if kinds == {"parquet"} else "csv"


def cache_folder(settings: Settings) -> Path:
    """Where columnar copies of CSV files live (config engine.cache_dir, else the cache)."""
    if settings.engine.cache_dir:
        return Path(settings.engine.cache_dir).expanduser()
    root = os.environ.get("AUTOVIZ_CACHE") or "~/.cache/autoviz"
    return Path(root).expanduser() / "engine"


def spill_upload(content: bytes, name: str, settings: Settings) -> Path:
    """An uploaded file written to the cache folder (`uploads/<content hash><suffix>`), so the
    engine reads it in place; the same upload again reuses the file (and the profile and
    sample kept for it). The upload's name never reaches the file system: only its kind
    (Parquet by its first bytes, else one of the CSV suffixes it ends with) names the file."""
    lower = name.lower()
    suffix = (
        ".parquet"
        if content[:4] == b"PAR1"
        else next(
            (s for s in sorted(CSV_SUFFIXES, key=len, reverse=True) if lower.endswith(s)), ".csv"
        )
    )
    folder = cache_folder(settings) / "uploads"
    target = folder / f"{hashlib.sha256(content).hexdigest()[:24]}{suffix}"
    if target.is_file() and target.stat().st_size == len(content):
        return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial-{os.getpid()}-{threading.get_ident()}")
        partial.write_bytes(content)
        os.replace(partial, target)
    except OSError as exc:
        raise DataLoadError(
            f"Cannot write the uploaded file to {folder}: {exc.strerror}.",
            "Set engine.cache_dir in config.yaml or AUTOVIZ_CACHE to a writable folder.",
        ) from None
    return target


def copy_target(files: list[str], settings: Settings) -> Path:
    """Where the columnar copy of this version (path, size, mtime) of the CSV file(s) goes."""
    key = hashlib.sha256()
    for f in files:
        st = os.stat(f)
        key.update(f"{os.path.abspath(f)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return cache_folder(settings) / f"{key.hexdigest()[:24]}.parquet"


def columnar_copy(backend: Any, files: list[str], settings: Settings, notes: list[str]) -> str:
    """A Parquet copy of the CSV file(s), made once per file version (path, size, mtime).

    A CSV must be parsed whole for every question; the copy costs about two scans that parse
    every column and makes the profile and each later question read only the columns it needs.
    """
    target = copy_target(files, settings)
    folder = target.parent
    if target.exists():
        notes.append("Read the columnar copy of the CSV made on an earlier question.")
        return str(target)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataLoadError(
            f"Cannot create the cache folder {folder}: {exc.strerror}.",
            "Set engine.cache_dir in config.yaml or AUTOVIZ_CACHE to a writable folder.",
        ) from None
    write_copy(backend, files, target, settings.engine.progress_after_s)
    notes.append("Made a columnar (Parquet) copy of the CSV once; later questions read it.")
    return str(target)


def write_copy(backend: Any, files: list[str], target: Path, progress_after_s: float) -> None:
    """Write the Parquet copy under a temporary name, then move it in place whole."""
    partial = target.with_suffix(f".partial-{os.getpid()}-{threading.get_ident()}")
    # yes/no words stay text, as the pandas path keeps them (their role is still boolean)
    csv = backend.read_csv(files, table_name=CSV_VIEW, auto_type_candidates=CSV_TYPES)
    canceller = Canceller(backend, "duckdb")
    try:
        run_query(
            lambda: backend.to_parquet(csv, str(partial), compression=COPY_COMPRESSION),
            canceller,
            "columnar copy of the CSV",
            progress_after_s=progress_after_s,
        )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


# ---------------------------------------------------------------- databases
@dataclass(frozen=True)
class DatabaseAddress:
    """A database URL without credentials: what reports may show."""

    scheme: str
    host: str
    port: int | None
    database: str
    user: str

    def display(self) -> str:
        port = f":{self.port}" if self.port else ""
        if self.scheme == "duckdb":
            return f"duckdb:{Path(self.database).name}"
        return f"{self.scheme}://{self.host}{port}/{self.database}"


def parse_database_url(url: str) -> DatabaseAddress:
    """The parts of a database URL; a password in it is refused (and never echoed)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DATABASE_SCHEMES:
        raise DataLoadError(f"Unsupported database kind {scheme!r}.", "Use postgresql:// URLs.")
    if parts.password:
        raise DataLoadError(
            "The database URL holds a password; it would be kept in shell history and logs.",
            "Remove it from the URL and set PGPASSWORD (or the app's secrets) instead.",
        )
    if scheme == "duckdb":
        return DatabaseAddress("duckdb", "", None, unquote(parts.path), "")
    try:
        port = parts.port
    except ValueError:
        raise DataLoadError("The database URL has an invalid port.") from None
    return DatabaseAddress(
        "postgresql",
        parts.hostname or "localhost",
        port,
        unquote(parts.path.lstrip("/")) or "postgres",
        unquote(parts.username or ""),
    )


def open_database(
    url: str, table: str | None, settings: Settings, *, password: str | None = None
) -> EngineTable:
    """A table of a database, opened read-only; `password` else PGPASSWORD (libpq reads it)."""
    address = parse_database_url(url)
    if not table:
        raise DataLoadError("Name the table to analyse.", "Pass --table NAME.")
    secrets = tuple(s for s in (password, os.environ.get("PGPASSWORD")) if s)
    if address.scheme == "duckdb":
        backend = duckdb_backend(settings, address.database, read_only=True)
    else:
        backend = _postgres_backend(address, password, secrets)
    schema, _, name = table.rpartition(".")
    try:
        expr = backend.table(name, database=schema or None)
    except Exception as exc:
        backend.disconnect()
        raise DataLoadError(
            f"The database has no table {table!r} this user can read: {redact(_line(exc), secrets)}"
        ) from None
    label = f"{address.display()}/{table}"
    return _engine_table(backend, expr, label, _dialect(address), settings, "database", [], secrets)


def _dialect(address: DatabaseAddress) -> Dialect:
    return "duckdb" if address.scheme == "duckdb" else "postgres"


def _postgres_backend(
    address: DatabaseAddress, password: str | None, secrets: tuple[str, ...]
) -> Any:
    """A read-only PostgreSQL session: every transaction it starts is READ ONLY."""
    import ibis

    kwargs: dict[str, Any] = {
        "host": address.host,
        "port": address.port or 5432,
        "database": address.database,
        "options": "-c default_transaction_read_only=on",
        "connect_timeout": 10,
    }
    if address.user:
        kwargs["user"] = address.user
    if password:
        kwargs["password"] = password
    try:
        return ibis.postgres.connect(**kwargs)
    except Exception as exc:
        raise DataLoadError(
            f"Could not connect to {address.display()}: {redact(_line(exc), secrets)}",
            "Check the host, port, database, user and PGPASSWORD.",
        ) from None


# ---------------------------------------------------------------- common
def _engine_table(
    backend: Any,
    table: Any,
    name: str,
    dialect: Dialect,
    settings: Settings,
    origin: str,
    notes: list[str],
    secrets: tuple[str, ...] = (),
    n_rows: int | None = None,
) -> EngineTable:
    """Columns renamed as the pandas path names them; the row count asked once (unless
    `n_rows` is given: an estimate, for a CSV read in place)."""
    table, original = typed_view(table, notes)
    out = EngineTable(
        backend,
        table,
        name,
        dialect,
        0,
        settings.limits.memory_budget_bytes,
        settings.engine.progress_after_s,
        settings.engine.sample_rows,
        origin,
        notes,
        secrets=secrets,
        original_names=original,
    )
    out.n_rows = n_rows if n_rows is not None else int(out.scalar(table.count(), "count rows") or 0)
    if out.n_rows == 0:
        raise DataLoadError("The table has no rows.")
    return out


def typed_view(table: Any, notes: list[str]) -> tuple[Any, dict[str, str]]:
    """The table with its columns renamed and typed as the pandas path makes them, and the
    map from the new names to the file's."""
    names = list(table.columns)
    if not names:
        raise DataLoadError("The table has no columns.")
    cleaned = clean_columns(names, notes)
    if cleaned != names:
        table = table.rename(dict(zip(cleaned, names, strict=True)))
    return normalise_types(table, notes), dict(zip(cleaned, names, strict=True))


# ---------------------------------------------------------------- the copy after the answer
def switch_to_copy(et: EngineTable) -> bool:
    """A CSV read in place reads its columnar copy from now on, once the copy exists: the
    row count becomes exact and the profile may read the whole table again."""
    if et.origin != "csv" or et.copy_path is None or not et.copy_path.exists():
        return False
    view = et.backend.read_parquet([str(et.copy_path)], table_name=TABLE_VIEW)
    et.table, _ = typed_view(view, [])
    et.files, et.origin, et.rows_estimated = [str(et.copy_path)], "csv copy", False
    et.n_rows = int(et.scalar(et.table.count(), "count rows") or 0)
    return True


def start_copy(et: EngineTable, settings: Settings) -> int | None:
    """Make the columnar copy of a CSV read in place, in a process of its own that outlives
    this one (the command line exits after its answer): the launcher's process id, or None
    when the copy exists or is under way."""
    if et.origin != "csv" or et.copy_path is None or et.copy_path.exists():
        return None
    marker = et.copy_path.with_suffix(".making")
    try:
        if marker.exists() and time.time() - marker.stat().st_mtime < MAKING_STALE_S:
            return None
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(str(os.getpid()), encoding="utf-8")
    except OSError:
        return None
    command = [sys.executable, "-m", "autoviz_core.engine.copy_csv", "--detach"]
    memory = f"--memory-mb={settings.limits.memory_budget_mb:g}"
    # the launcher starts the copy in a session of its own and exits at once; it is waited for
    # (here on the next copy, else at exit), so no child of this process is left behind
    _LAUNCHERS[:] = [p for p in _LAUNCHERS if p.poll() is None]
    launcher = subprocess.Popen(
        [*command, str(et.copy_path), memory, *et.csv_files],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _LAUNCHERS.append(launcher)
    return launcher.pid


_LAUNCHERS: list[subprocess.Popen[bytes]] = []


def _wait_for_launchers() -> None:
    for launcher in _LAUNCHERS:
        try:
            launcher.wait(timeout=10)
        except subprocess.TimeoutExpired:
            launcher.kill()
            launcher.wait()


atexit.register(_wait_for_launchers)


def normalise_types(table: Any, notes: list[str]) -> Any:
    """The column types the pandas path gives: dates as timestamps, decimals as floats, NaN
    as missing, anything else that is neither number, text, yes/no nor a timestamp as text."""
    import ibis
    import ibis.expr.datatypes as dt

    changes: dict[str, Any] = {}
    for name, dtype in table.schema().items():
        col = table[name]
        if dtype.is_date():
            changes[name] = col.cast(dt.Timestamp())
        elif dtype.is_decimal():
            changes[name] = col.cast(dt.float64)
        elif dtype.is_floating():
            changes[name] = col.isnan().ifelse(ibis.null(), col)  # NaN is missing, as in pandas
        elif dtype.is_timestamp() and dtype.timezone is not None:
            changes[name] = col.cast(dt.Timestamp())
        elif not (
            dtype.is_numeric() or dtype.is_string() or dtype.is_timestamp() or dtype.is_boolean()
        ):
            changes[name] = col.cast(dt.string)
            notes.append(f"Column {name!r} ({dtype}) is read as text.")
    return table.mutate(**changes) if changes else table


def _line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
