"""Hostile input, round 2, at the door of the loader: files that expand far past their size,
devices, pipes, stalled writers and compressed bombs (SECURITY.md, promise 5).

The bombs run the headless CLI in a child process under an address-space ceiling (RLIMIT_AS):
the refusal has to come before the expansion, or the child fails and so does the test. All
inputs are generated here.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import os
import shutil
import socket
import subprocess
import threading
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from security_helpers import (
    REPO,
    assert_clean_failure,
    assert_one_line,
    bounded,
    cli_command,
    config_with_limits,
    run_cli,
)

from autoviz_core.config import Limits, load_settings
from autoviz_core.data import load_table, load_table_bytes
from autoviz_core.data.estimate import estimate_expanded_bytes, fits_memory_budget
from autoviz_core.errors import DataLoadError

# Refusing a file takes the CLI about 750 MB of address space here (the imports reserve most
# of it); a normal small run fits too (tested below). The 5M x 50 table alone is 2,000 MB, and
# loading it peaked at 6.2 GB. DuckDB reserves address space up to its memory limit, so a run
# that queries in place gets a higher ceiling, still well under what loading would take.
CEILING_MB = 1300
ENGINE_CEILING_MB = 3000
CUES = ("--mode", "cues", "--no-adapt")
QUESTION = "total units by region"
MB = 1 << 20


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("guard")


@pytest.fixture(scope="module")
def sales_csv(folder: Path) -> Path:
    path = folder / "sales.csv"
    rows = [f"{r},{u}" for r, u in [("north", 3), ("south", 5), ("north", 4), ("east", 1)]]
    path.write_text("region,units\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_the_ceiling_leaves_room_for_a_normal_run(sales_csv: Path, tmp_path: Path) -> None:
    """Control: under the same ceiling a small table is answered, so a refusal below is the
    guard's and not the ceiling's."""
    out = tmp_path / "r.json"
    proc = run_cli(str(sales_csv), QUESTION, *CUES, "--json", str(out), memory_mb=CEILING_MB)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(out.read_text())["charts"]


# ------------------------------------------------------------------ 1: Parquet bomb
@pytest.fixture(scope="module")
def constant_parquet(folder: Path) -> Path:
    """5 million rows x 50 constant int64 columns: about 1 MB on disk, 2,000 MB in memory."""
    column = pa.array(np.zeros(1_000_000, dtype=np.int64))
    table = pa.table({f"c{i}": column for i in range(50)})  # one buffer, shared 50 times
    path = folder / "constant.parquet"
    with pq.ParquetWriter(path, table.schema, compression="zstd") as writer:
        for _ in range(5):
            writer.write_table(table)
    return path


def test_parquet_expanding_past_the_memory_budget_is_queried_in_place(
    constant_parquet: Path, tmp_path: Path
) -> None:
    """By default the CLI does not load it: the engine answers from the file where it lies and
    plans on a sample (the issue: "refused or sampled")."""
    assert constant_parquet.stat().st_size < 2 * MB
    estimate = estimate_expanded_bytes(constant_parquet)
    assert estimate is not None and estimate >= 5_000_000 * 50 * 8
    assert not fits_memory_budget(estimate, load_settings().limits)  # the shipped budget
    out = tmp_path / "r.json"
    args = (str(constant_parquet), "total c1 by c2", *CUES, "--json", str(out))
    proc = run_cli(*args, memory_mb=ENGINE_CEILING_MB)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "stays where it lives" in proc.stdout and "sample of 50,000" in proc.stdout
    assert json.loads(out.read_text())["charts"]


def test_parquet_expanding_past_the_memory_budget_is_refused_where_it_would_be_loaded(
    constant_parquet: Path, tmp_path: Path
) -> None:
    """Where it would be loaded into memory (routing to pandas forced), it is refused before
    loading, with how big it would be and the limit that applies."""
    estimate = estimate_expanded_bytes(constant_parquet)
    assert estimate is not None
    config = config_with_limits(tmp_path, engine={"route": "memory"})
    proc = run_cli(
        str(constant_parquet), QUESTION, *CUES, "--config", str(config), memory_mb=CEILING_MB
    )
    budget = load_settings().limits.memory_budget_mb
    line = assert_clean_failure(proc, "memory budget", f"{budget:,g} MB")
    assert f"about {estimate / MB:,.0f} MB in memory" in line


# ------------------------------------------------------------------ 2: xlsx bomb, slow workbooks
def dense_workbook(rows: int, cols: int) -> bytes:
    """A minimal valid workbook whose one sheet is `rows` x `cols` cells of 1 under a header
    row; the sheet XML is streamed into the zip, so it is never held whole."""
    ns = "http://schemas.openxmlformats.org/"
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{ns}package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{ns}package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{ns}officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{ns}spreadsheetml/2006/main" xmlns:r="{ns}officeDocument/2006/'
            'relationships"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{ns}package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{ns}officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w") as out:
            out.write(f'<worksheet xmlns="{ns}spreadsheetml/2006/main"><sheetData>'.encode())
            header = "".join(f'<c t="inlineStr"><is><t>c{j}</t></is></c>' for j in range(cols))
            out.write(f"<row>{header}</row>".encode())
            block = (b"<row>" + b"<c><v>1</v></c>" * cols + b"</row>") * 1000
            for _ in range(rows // 1000):
                out.write(block)
            out.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def expanding_workbook(folder: Path) -> Path:
    """About 1.5 MB that unpacks to about 310 MB of sheet XML (20 million cells): under the
    zip-bomb cut-off (800 MB), so only the expanded-size estimate can stop it in time."""
    path = folder / "expanding.xlsx"
    path.write_bytes(dense_workbook(1_000_000, 20))
    return path


def test_workbook_expanding_past_the_memory_budget_is_refused(
    expanding_workbook: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(expanding_workbook) as zf:
        expanded = sum(i.file_size for i in zf.infolist())
    assert expanding_workbook.stat().st_size < 4 * MB and 300 * 10**6 < expanded < 800 * MB
    config = config_with_limits(tmp_path, memory_budget_mb=256)
    args = (str(expanding_workbook), QUESTION, *CUES, "--config", str(config))
    proc = run_cli(*args, memory_mb=CEILING_MB)
    assert_clean_failure(proc, "memory budget", "256 MB")


def test_loading_past_the_time_limit_ends_with_one_line(tmp_path: Path) -> None:
    """Two million cells (32 MB of XML, well under the budget) take openpyxl many seconds;
    with a 1 s limit the CLI stops loading and says why."""
    path = tmp_path / "slow.xlsx"
    path.write_bytes(dense_workbook(200_000, 10))
    config = config_with_limits(tmp_path, load_timeout_s=1)
    proc = run_cli(str(path), QUESTION, *CUES, "--config", str(config), timeout=90)
    assert_clean_failure(proc, "longer than 1 s", "load_timeout_s")


def test_a_loader_past_the_time_limit_is_stopped_not_abandoned() -> None:
    """The loading thread itself ends (a stop is raised in it), so a refused load stops using
    the CPU and its memory is freed."""
    from autoviz_core.data.guard import within_time_limit

    release = threading.Event()

    def endless() -> None:
        while not release.is_set():  # pure Python: stoppable between any two instructions
            pass

    with pytest.raises(DataLoadError) as info:
        within_time_limit(endless, 0.2)
    assert "longer than 0.2 s" in assert_one_line(info.value)
    workers = [t for t in threading.enumerate() if t.name == "autoviz-load"]
    for worker in workers:
        worker.join(10)
    release.set()  # (only needed when the stop failed: then the assertion below says so)
    assert not any(w.is_alive() for w in workers)
    assert workers, "the load did not run in its own thread"


# ------------------------------------------------------------------ 3: devices and other files
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_with_one_line(device: str) -> None:
    proc = run_cli(device, QUESTION, *CUES, memory_mb=CEILING_MB, timeout=60)
    assert_clean_failure(proc, device, "is a device, not a file")


def test_a_socket_and_a_folder_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(DataLoadError, match="is a socket, not a file"):
            load_table(path)
    with pytest.raises(DataLoadError, match="is a folder, not a file"):
        load_table(tmp_path)


# ------------------------------------------------------------------ 9: pipes
def test_a_table_through_process_substitution_is_read_once(sales_csv: Path, tmp_path: Path) -> None:
    """`run <(cat sales.csv) ...`: the pipe is read once, then parsed (it used to be opened four
    times: only the first read got data, and the table was 'empty')."""
    bash = shutil.which("bash")
    assert bash, "bash is needed to make a process substitution"
    out = tmp_path / "r.json"
    script = 'f=$1; out=$2; shift 2; "$@" <(cat "$f") "total units by region" ' + " ".join(CUES)
    script += ' --json "$out"'
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [bash, "-c", script, "bash", str(sales_csv), str(out), *cli_command("run")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    primary = next(c for c in json.loads(out.read_text())["charts"] if c["primary"])
    totals = dict(zip(primary["data"]["x"], primary["data"]["y"], strict=True))
    assert totals == {"north": 7, "south": 5, "east": 1}


def _feed(fd: int, data: bytes) -> threading.Thread:
    """Write `data` into a pipe from another thread (a reader that stops early: BrokenPipe)."""

    def write() -> None:
        try:
            os.write(fd, data) if len(data) < 65536 else _write_all(fd, data)
        except BrokenPipeError:
            pass
        finally:
            os.close(fd)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def test_a_pipe_is_read_once_and_within_the_upload_limit() -> None:
    read_end, write_end = os.pipe()
    try:
        writer = _feed(write_end, b"a,b\n" + b"1,2\n" * 600_000)  # 2.4 MB
        with bounded(30, megabytes=8), pytest.raises(DataLoadError) as info:
            load_table(f"/dev/fd/{read_end}", Limits(max_upload_mb=1))
        assert "delivered more than 1 MB, over the 1 MB limit" in assert_one_line(info.value)
    finally:
        os.close(read_end)
    writer.join(10)


def test_a_named_pipe_is_read_once(tmp_path: Path) -> None:
    fifo = tmp_path / "table.csv"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_bytes, args=(b"a,b\n1,2\n3,4\n",), daemon=True)
    writer.start()
    table = load_table(fifo)
    writer.join(10)
    assert table.df.to_dict("list") == {"a": [1, 3], "b": [2, 4]}


def test_a_stalled_pipe_ends_with_one_line_at_the_time_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "stalled.csv"
    os.mkfifo(fifo)
    holder = os.open(fifo, os.O_RDWR)  # a writer that sends a header, then nothing, never closing
    try:
        os.write(holder, b"a,b\n")
        with pytest.raises(DataLoadError) as info:
            load_table(fifo, Limits(load_timeout_s=0.5))
        text = assert_one_line(info.value)
        assert "did not deliver a whole table within 0.5 s" in text and "4 bytes" in text
    finally:
        os.close(holder)


# ------------------------------------------------------------------ compressed text
@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, lzma.compress])
def test_compressed_csv_loads_like_the_plain_file(sales_csv: Path, compress: object) -> None:
    plain = load_table(sales_csv).df
    packed = compress(sales_csv.read_bytes())  # type: ignore[operator]
    table = load_table_bytes(packed, "sales.csv.gz")
    pd.testing.assert_frame_equal(table.df, plain)
    assert table.name == "sales.csv.gz" and "Decompressed" in table.warnings[0]


def test_a_compressed_bomb_is_stopped_at_the_upload_limit() -> None:
    """12 MB of CSV in 40 kB of gzip, against a 5 MB limit: decompression stops just past the
    limit, so the whole text is never held (traced allocations stay near the limit)."""
    bomb = gzip.compress(b"a,b\n" + b"1,2\n" * 3_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    with bounded(30, megabytes=15), pytest.raises(DataLoadError) as info:
        load_table_bytes(bomb, "t.csv.gz", Limits(max_upload_mb=5))
    assert "expands to more than 5 MB" in assert_one_line(info.value)


def test_compressed_text_expanding_past_the_memory_budget_is_refused() -> None:
    """Within the upload limit as text, but empty fields become 8-byte numbers: 10 MB of
    commas would take about 80 MB as a table, over a 20 MB budget."""
    packed = gzip.compress(b"a,b,c,d,e,f,g,h,i,j\n" + b",,,,,,,,,\n" * 1_000_000)
    with pytest.raises(DataLoadError) as info:
        load_table_bytes(packed, "t.csv.gz", Limits(memory_budget_mb=20))
    assert "over the 20 MB memory budget" in assert_one_line(info.value)
