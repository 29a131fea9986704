"""clean_columns and coerce_column_types directly: names people can refer to, honest types, and a
note for every change (loading tests cover the same through whole files)."""

from __future__ import annotations

import pandas as pd
import pytest

from autoviz_core.config import Limits
from autoviz_core.data.cleaning import MAX_NAME_CHARS, clean_columns, coerce_column_types
from autoviz_core.errors import DataLoadError


def test_blank_unnamed_and_duplicate_names() -> None:
    notes: list[str] = []
    names = clean_columns(["", "Unnamed: 1", "  Sales   2024 ", "sales 2024", "Sales 2024"], notes)
    assert names == ["column_1", "column_2", "Sales 2024", "sales 2024_2", "Sales 2024_3"]
    assert len(notes) == 4 and "Column 1 had no name" in notes[0]
    assert "Duplicate column name 'sales 2024'; renamed one to 'sales 2024_2'." in notes


def test_long_names_are_cut_without_a_note() -> None:
    notes: list[str] = []
    assert clean_columns(["x" * 500], notes) == ["x" * MAX_NAME_CHARS] and notes == []


def _coerce(**columns: list[object]) -> tuple[pd.DataFrame, list[str]]:
    notes: list[str] = []
    df = pd.DataFrame({k: pd.Series(v, dtype="object") for k, v in columns.items()})
    return coerce_column_types(df, Limits(), notes), notes


def test_numbers_stored_as_text() -> None:
    df, notes = _coerce(
        amount=["1,200", "3,400.5", "-7"] * 10 + ["n/a"],  # one bad cell in 31: under 5%
        share=["10%", "20%", "30%"] * 10 + ["50%"],
        count=["1", "2", "3"] * 10 + ["5"],
    )
    assert df["amount"].tolist()[:3] == [1200.0, 3400.5, -7.0] and df["amount"].isna().sum() == 1
    assert "'amount' is numeric but 1 value(s) are not numbers" in notes[0]
    assert df["share"].tolist()[:2] == [10, 20]
    assert str(df["count"].dtype) == "int64"


def test_mostly_text_and_zero_padded_codes_stay_text() -> None:
    df, notes = _coerce(code=["02134", "10001", "00501", "94105"] * 5, mixed=["1", "a"] * 10)
    assert df["code"].tolist()[:2] == ["02134", "10001"] and df["mixed"].tolist()[:2] == ["1", "a"]
    assert notes == []


@pytest.mark.parametrize(
    ("values", "first"),
    [
        (["2024-01-05", "2024-02-10"], "2024-01-05"),
        (["05.01.2024", "10.02.2024"], "2024-01-05"),
        (["January 5, 2024", "February 10, 2024"], "2024-01-05"),
        (["2024-01-05T10:00:00+02:00", "2024-02-10T00:00:00+02:00"], "2024-01-05 08:00:00"),
        # mixed offsets: each instant in UTC (this used to raise pandas' ValueError)
        (["2024-01-05T10:00:00+02:00", "2024-02-10T00:00:00Z"], "2024-01-05 08:00:00"),
    ],
)
def test_dates_stored_as_text(values: list[str], first: str) -> None:
    df, _ = _coerce(when=values * 10)
    assert pd.api.types.is_datetime64_any_dtype(df["when"]) and df["when"].dt.tz is None
    assert df["when"].iloc[0] == pd.Timestamp(first)


def test_times_of_day_and_empty_columns() -> None:
    df, notes = _coerce(at=["10:30", "11:45"] * 5, empty=[None] * 10)
    assert df["at"].tolist()[:2] == ["10:30", "11:45"]
    assert notes == ["Column 'empty' is empty (all values missing)."]


def test_a_cell_over_the_limit_is_refused() -> None:
    df = pd.DataFrame({"note": pd.Series(["short", "y" * 50], dtype="object")})
    with pytest.raises(DataLoadError, match=r"cell of 50 characters, over the 10 limit") as err:
        coerce_column_types(df, Limits(max_cell_chars=10), [])
    assert "max_cell_chars" in err.value.hint


def test_the_input_frame_is_not_changed() -> None:
    df = pd.DataFrame({"n": pd.Series(["1", "2"], dtype="object")})
    coerce_column_types(df, Limits(), [])
    assert df["n"].tolist() == ["1", "2"]


@pytest.mark.parametrize(
    ("cell", "refused"), [("é" * 30, False), ("é" * 41, True), ("y" * 40, False)]
)
def test_the_cell_limit_counts_characters_not_bytes_in_arrow_text(cell: str, refused: bool) -> None:
    """The byte size read from Arrow's offsets only rules cells out; characters decide."""
    df = pd.DataFrame({"note": pd.Series(["short", cell, None], dtype="str")})
    if refused:
        with pytest.raises(DataLoadError, match=r"cell of 41 characters, over the 40 limit"):
            coerce_column_types(df, Limits(max_cell_chars=40), [])
    else:
        assert coerce_column_types(df, Limits(max_cell_chars=40), [])["note"].iloc[1] == cell


def test_infinities_become_missing_with_a_note() -> None:
    notes: list[str] = []
    df = pd.DataFrame({"x": [1.0, float("inf"), -float("inf"), 2.0], "n": [1, 2, 3, 4]})
    out = coerce_column_types(df, Limits(), notes)
    assert out["x"].isna().tolist() == [False, True, True, False]
    assert notes == [
        "Column 'x' has 2 infinite value(s) (inf, -inf or a number too large for a float, "
        "such as 1e400); they are treated as missing."
    ]
    df, notes = _coerce(big=["1e400", "5", "7"] * 10)  # text that parses past the float range
    assert df["big"].isna().sum() == 10 and "10 infinite" in notes[0]


def test_decimal_commas_with_dots_between_thousands() -> None:
    df, notes = _coerce(amount=["1.234,50", "12,5", "-3,25", "1.000.000,01"] * 5)
    assert df["amount"].tolist()[:4] == [1234.5, 12.5, -3.25, 1000000.01]
    assert notes == ["Column 'amount' uses a decimal comma (e.g. '1.234,50'); read it as numbers."]


def test_a_date_column_with_some_text_says_why() -> None:
    days = [f"2024-03-{d:02d}" for d in range(1, 19)] + ["soon", "tbd"]
    df, notes = _coerce(day=days)
    assert df["day"].tolist() == days
    assert notes == [
        "Column 'day' was read as text because 10% of its values are not dates "
        "(e.g. 'soon', 'tbd'); write them in one date format."
    ]


@pytest.mark.parametrize("size", [7, 50, 2000])
def test_spread_sample_of_a_chunked_text_column_equals_every_nth_cell(size: int) -> None:
    """The chunk-by-chunk sample of an Arrow text column is `iloc[::step]`, index included."""
    import pyarrow as pa

    from autoviz_core.data.cleaning import spread_sample

    words = [None if i % 13 == 0 else f"lot-{i % 97}" for i in range(10_007)]
    chunked = pa.chunked_array([pa.array(words[a : a + 1_500]) for a in range(0, 10_007, 1_500)])
    col = pd.Series(
        pd.array(chunked, dtype="str"), index=pd.RangeIndex(5, 10_012), name="lot"
    )  # fmt: skip
    assert col.array.__arrow_array__().num_chunks > 1
    step = max(1, len(col) // size)
    pd.testing.assert_series_equal(spread_sample(col, size), col.iloc[::step])
