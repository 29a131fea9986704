"""Compressed text tables (.gz, .bz2, .xz): recognised by their first bytes, and decompressed
with a bound, so a small file that expands to gigabytes is refused before it is held in memory.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import zlib
from pathlib import Path
from typing import BinaryIO

from autoviz_core.errors import DataLoadError

# the first bytes of each stream format (bz2: "BZh", a block size digit, the block magic)
_MAGIC = {
    "gzip": re.compile(rb"\A\x1f\x8b\x08"),
    "bz2": re.compile(rb"\ABZh[1-9]1AY&SY"),
    "xz": re.compile(rb"\A\xfd7zXZ\x00"),
}
SUFFIXES = {".gz", ".gzip", ".bz2", ".xz"}
CHUNK = 1 << 20
_DAMAGED = (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError)


def compression_of(head: bytes) -> str | None:
    """ "gzip", "bz2" or "xz" when `head` starts a compressed stream, else None."""
    return next((kind for kind, magic in _MAGIC.items() if magic.match(head)), None)


def inner_name(filename: str) -> str:
    """The name of what a compressed file holds: "sales.csv.gz" -> "sales.csv"."""
    path = Path(filename)
    return path.stem if path.suffix.lower() in SUFFIXES else filename


def _reader(kind: str, raw: BinaryIO) -> io.BufferedIOBase:
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "bz2":
        return bz2.BZ2File(raw, mode="rb")
    return lzma.LZMAFile(raw, mode="rb")


def _open_raw(source: Path | bytes) -> BinaryIO:
    return io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")


def decompress_bounded(source: Path | bytes, kind: str, limit: int) -> bytes:
    """The decompressed bytes, read a megabyte at a time; a one-line DataLoadError as soon as
    they pass `limit` bytes (a bomb is stopped at the limit, never expanded whole) or the
    stream turns out damaged."""
    chunks: list[bytes] = []
    total = 0
    try:
        with _open_raw(source) as raw, _reader(kind, raw) as stream:
            while chunk := stream.read(CHUNK):
                total += len(chunk)
                if total > limit:
                    raise DataLoadError(
                        f"The {kind} file expands to more than {limit / 1048576:,.0f} MB, "
                        f"over the {limit / 1048576:,.0f} MB limit for a table's text.",
                        "Raise limits.max_upload_mb in config.yaml or compress a smaller table.",
                    )
                chunks.append(chunk)
    except _DAMAGED as exc:
        raise DataLoadError(f"The {kind} file is damaged: {_first_line(exc)}") from None
    return b"".join(chunks)


def decompressed_size(source: Path | bytes, kind: str, cap: int) -> int:
    """How many bytes the stream expands to, counted without keeping them; counting stops
    once past `cap` (the answer is then "more than cap"). Damaged streams count what they
    gave before the damage."""
    total = 0
    try:
        with _open_raw(source) as raw, _reader(kind, raw) as stream:
            while total <= cap and (chunk := stream.read(CHUNK)):
                total += len(chunk)
    except _DAMAGED:
        pass
    return total


def decompressed_head(source: Path | bytes, kind: str, size: int) -> bytes:
    """The first `size` decompressed bytes (empty when the stream is damaged at once)."""
    try:
        with _open_raw(source) as raw, _reader(kind, raw) as stream:
            return stream.read(size)
    except _DAMAGED:
        return b""


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
