"""Seeded runs of whole lines read from a CSV at random byte offsets: the sample and the row
count of a CSV too big to parse before its first answer.

Parsing every column of a 10 GB CSV takes about two scans of one column (measured: 17.7 s
against 11.6 s), and writing the columnar copy as much again; a question's own query parses
only the columns it reads. So the first question on a big CSV is planned from lines read at
seeded offsets (a few megabytes) and answered on the CSV where it lies; the copy is made after
(engine/source.py). A line sample is refused (None) when a line could be cut inside a quoted
field (an odd number of quote characters), when the files have different headers, or when a
file is compressed: those take the columnar copy first, as before.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

BLOCK_LINES = 2048  # the longest run of consecutive lines one offset gives
READ_AHEAD = 2.5  # bytes read per block, in mean line lengths per line wanted
HEAD_BYTES = 1 << 20  # the first megabyte gives the header and a first mean line length
WHOLE_BELOW = 2.0  # a file under twice the sample's bytes is read whole


@dataclass(frozen=True)
class LineSample:
    """The header line, the sampled lines (each ending in a newline) and what they imply."""

    header: bytes
    lines: list[bytes]
    rows_estimate: int  # data rows in all the files, from their sizes and the mean line length
    complete: bool = False  # every line of the files (then rows_estimate is their count)


def sample_lines(files: list[str], limit: int, seed: int) -> LineSample | None:
    """About `limit` lines in seeded runs of consecutive lines, runs spread over the files by
    their size; None when the files cannot be sampled by lines (see the module's docstring)."""
    if not files or any(f.lower().endswith((".gz", ".zst", ".bz2", ".xz")) for f in files):
        return None
    heads = [_head(f) for f in files]
    if any(h is None for h in heads) or len({h[0] for h in heads if h is not None}) != 1:
        return None
    header = heads[0][0]  # type: ignore[index]
    first_mean = float(np.mean([h[1] for h in heads if h is not None]))
    sizes = [os.path.getsize(f) - len(header) for f in files]
    if sum(sizes) <= limit * first_mean * WHOLE_BELOW:
        return _every_line(files, header)
    n_blocks = max(1, -(-limit // BLOCK_LINES))
    per_block = max(1, limit // n_blocks)
    lines: list[bytes] = []
    read_to = (-1, 0)  # (file, byte) the last block read up to: blocks never overlap
    for k, offset in _offsets(sizes, n_blocks, seed):
        start = len(header) + offset
        if read_to[0] == k:
            start = max(start, read_to[1])
        got = _lines_at(files[k], start, per_block, first_mean)
        if got is None:
            return None
        lines.extend(got[0])
        read_to = (k, got[1])
    if not lines:
        return None
    mean = sum(len(line) for line in lines) / len(lines)
    return LineSample(header, lines, max(len(lines), round(sum(sizes) / mean)))


def _every_line(files: list[str], header: bytes) -> LineSample | None:
    """A file little bigger than the sample: all its lines, and their exact count."""
    lines: list[bytes] = []
    for f in files:
        with open(f, "rb") as fh:
            body = fh.read()[len(header) :]
        rows = [r + b"\n" for r in body.split(b"\n") if r.strip()]
        if any(_cut_quote(r) for r in rows):
            return None
        lines.extend(rows)
    return LineSample(header, lines, len(lines), complete=True) if lines else None


def _head(path: str) -> tuple[bytes, float] | None:
    """The file's header line and the mean length of the lines after it in its first MB."""
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    end = head.find(b"\n")
    if end < 0:
        return None
    rows = head[end + 1 :].split(b"\n")[:-1]
    if not rows or _cut_quote(head[: end + 1]) or any(_cut_quote(r) for r in rows):
        return None
    return head[: end + 1], (len(head[end + 1 :]) - len(head.rsplit(b"\n", 1)[-1])) / len(rows)


def _offsets(sizes: list[int], n: int, seed: int) -> list[tuple[int, int]]:
    """n seeded (file index, byte offset) pairs, uniform over the files' bytes, in file order."""
    total = sum(sizes)
    if total <= 0:
        return []
    rng = np.random.default_rng(seed)
    picks = np.sort(rng.choice(total, size=min(n, total), replace=False))
    ends = np.cumsum(sizes)
    out = []
    for p in picks.tolist():
        k = int(np.searchsorted(ends, p, side="right"))
        out.append((k, int(p - (ends[k] - sizes[k]))))
    return out


def _lines_at(path: str, offset: int, wanted: int, mean: float) -> tuple[list[bytes], int] | None:
    """Up to `wanted` whole lines after the first line break at or after `offset`, and the
    byte they end at."""
    at = max(0, offset - 1)
    with open(path, "rb") as f:
        f.seek(at)
        chunk = f.read(int(wanted * mean * READ_AHEAD) + 2 * HEAD_BYTES // 16)
    start = chunk.find(b"\n")
    if start < 0:
        return [], at + len(chunk)
    pieces = chunk[start + 1 :].split(b"\n")[:-1][:wanted]
    whole = [p + b"\n" for p in pieces if p.strip()]
    if any(_cut_quote(line) for line in whole):
        return None
    return whole, at + start + 1 + sum(len(p) + 1 for p in pieces)


def _cut_quote(line: bytes) -> bool:
    """A line with an odd number of quote characters may belong to a field with line breaks."""
    return line.count(b'"') % 2 == 1
