"""Compressed text: recognised by content, decompressed with a bound, damage as one line."""

from __future__ import annotations

import bz2
import gzip
import lzma

import pytest

from autoviz_core.data.compression import (
    compression_of,
    decompress_bounded,
    decompressed_size,
    inner_name,
)
from autoviz_core.errors import DataLoadError

TEXT = b"a,b\n1,2\n" * 1000


@pytest.mark.parametrize(
    ("compress", "kind"), [(gzip.compress, "gzip"), (bz2.compress, "bz2"), (lzma.compress, "xz")]
)
def test_each_format_is_recognised_and_read(compress: object, kind: str) -> None:
    packed = compress(TEXT)  # type: ignore[operator]
    assert compression_of(packed[:16]) == kind
    assert decompress_bounded(packed, kind, len(TEXT)) == TEXT
    assert decompressed_size(packed, kind, cap=10**9) == len(TEXT)


def test_text_that_starts_like_a_format_is_not_taken_for_it() -> None:
    assert compression_of(b"BZh,name\n1,2\n") is None
    assert compression_of(b"region,units\n") is None


def test_past_the_limit_and_damaged_streams_are_one_line() -> None:
    packed = gzip.compress(TEXT)
    with pytest.raises(DataLoadError, match="expands to more than"):
        decompress_bounded(packed, "gzip", len(TEXT) - 1)
    with pytest.raises(DataLoadError, match="damaged") as info:
        decompress_bounded(packed[: len(packed) // 2], "gzip", 10**9)
    assert "\n" not in str(info.value)


def test_inner_name() -> None:
    assert inner_name("sales.tsv.gz") == "sales.tsv"
    assert inner_name("sales.csv") == "sales.csv"
