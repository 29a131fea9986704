"""Shared helpers: type-aware filters (exact then case-insensitive), time buckets, JSON values."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from autoviz_core.tools.common import (
    FilterCondition,
    ToolInputError,
    apply_filters,
    bucket_time,
    fmt_num,
    to_json_list,
    to_json_value,
)


def keep(df: pd.DataFrame, column: str, op: str, value) -> tuple[pd.DataFrame, list[str]]:
    return apply_filters(df, [FilterCondition(column=column, op=op, value=value)])


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", "3", [3]),
        ("ne", 3, [1, 4, 5]),
        ("gt", "3.5", [4, 5]),
        ("ge", 3, [3, 4, 5]),
        ("lt", 3, [1]),
        ("le", "3", [1, 3]),
        ("in", ["1", 4], [1, 4]),
        ("in", "1, 5", [1, 5]),
        ("between", [2, 4], [3, 4]),
        ("outside", [2, 4], [1, 5]),  # "above 4 or below 2": the bounds themselves are out
        ("outside", ["1", "3"], [4, 5]),
    ],
)
def test_numeric_filters_coerce_text_values(awkward, op, value, expected):
    out, _ = keep(awkward, "count", op, value)
    assert out["count"].tolist() == expected


def test_text_equality_exact_first_then_case_insensitive(awkward):
    out, notes = keep(awkward, "city", "eq", "Oslo")
    assert len(out) == 2 and notes == []  # exact match wins, "oslo" not included
    out, notes = keep(awkward, "city", "eq", "BERGEN")
    assert out["city"].tolist() == ["Bergen"] and "case-insensitively" in notes[0]


def test_contains_startswith_and_in_on_text(awkward):
    assert keep(awkward, "city", "contains", "erg")[0]["city"].tolist() == ["Bergen"]
    assert len(keep(awkward, "city", "startswith", "O")[0]) == 2
    assert len(keep(awkward, "city", "in", ["Oslo", "Bergen"])[0]) == 3


def test_numeric_text_compares_as_numbers(awkward):
    out, _ = keep(awkward, "code", "gt", 3)
    assert out["code"].tolist() == ["004", "005"]


def test_date_filters_use_the_period_named(awkward):
    assert len(keep(awkward, "when", "eq", "2024-01")[0]) == 3
    assert len(keep(awkward, "when", "eq", "2024-01-09")[0]) == 1
    assert len(keep(awkward, "when", "gt", "2024-01-02")[0]) == 2
    assert len(keep(awkward, "when", "between", ["2024-01-02", "2024-01-09"])[0]) == 2
    assert len(keep(awkward, "when", "eq", 2024)[0]) == 4


def test_boolean_filter(awkward):
    assert len(keep(awkward, "flag", "eq", "true")[0]) == 2
    with pytest.raises(ToolInputError):
        keep(awkward, "flag", "eq", "maybe")


def test_missing_values_never_match(awkward):
    assert keep(awkward, "amount", "ne", 1.5)[0]["amount"].notna().all()


def test_bad_number_and_unknown_column_are_readable(awkward):
    with pytest.raises(ToolInputError, match="needs a number"):
        keep(awkward, "amount", "gt", "lots")
    with pytest.raises(ToolInputError, match="not in the table"):
        keep(awkward, "nope", "eq", 1)


def test_combine_any(awkward):
    conds = [
        FilterCondition(column="count", op="eq", value=1),
        FilterCondition(column="count", op="eq", value=5),
    ]
    out, _ = apply_filters(awkward, conds, combine="any")
    assert out["count"].tolist() == [1, 5]


def test_bucket_time_grains():
    s = pd.Series(pd.to_datetime(["2024-12-31 13:00", "2025-01-01", "2025-02-15"], format="mixed"))
    assert to_json_list(bucket_time(s, "day")) == ["2024-12-31", "2025-01-01", "2025-02-15"]
    assert to_json_list(bucket_time(s, "week")) == ["2024-12-30", "2024-12-30", "2025-02-10"]
    assert to_json_list(bucket_time(s, "month")) == ["2024-12-01", "2025-01-01", "2025-02-01"]
    assert to_json_list(bucket_time(s, "quarter")) == ["2024-10-01", "2025-01-01", "2025-01-01"]
    assert to_json_list(bucket_time(s, "year")) == ["2024-01-01", "2025-01-01", "2025-01-01"]
    assert list(bucket_time(s, "weekday")) == ["Tuesday", "Wednesday", "Saturday"]


def test_bucket_time_parses_text_and_drops_timezone():
    s = pd.Series(["2024-03-01T10:00:00+02:00", "2024-03-09T10:00:00+02:00"], dtype="str")
    assert to_json_list(bucket_time(s, "month")) == ["2024-03-01", "2024-03-01"]


def test_json_values():
    values = [
        np.int64(3),
        np.float64("nan"),
        pd.NA,
        pd.Timestamp("2024-01-02"),
        pd.Timestamp("2024-01-02 03:04:05"),
        np.bool_(True),
        None,
        float("inf"),
    ]
    assert to_json_list(values) == [
        3,
        None,
        None,
        "2024-01-02",
        "2024-01-02 03:04:05",
        True,
        None,
        None,
    ]
    json.dumps(to_json_value(pd.Period("2024-01")))


def test_fmt_num():
    assert fmt_num(59385.2) == "59,385"
    assert fmt_num(2.7712) == "2.77"
    assert fmt_num(0.0345) == "0.0345"
    assert fmt_num(np.nan) == "n/a"


@pytest.mark.parametrize(
    "values",
    [
        pd.Series([1.5, np.nan, np.inf, -2.0]),
        pd.Series([1, 2, 3]),
        pd.Series([True, False]),
        np.array([1.0, np.nan], dtype="float32"),
        pd.Series([1, None], dtype="Int64"),
        pd.Series(["a", None]),
        [1, np.float64("nan")],
    ],
)
def test_to_json_list_equals_the_per_value_conversion(values) -> None:
    """The whole-array path must give the same values and the same Python types."""
    from autoviz_core.tools.common import to_json_list, to_json_value

    fast, slow = to_json_list(values), [to_json_value(v) for v in values]
    assert fast == slow
    assert [type(v) for v in fast] == [type(v) for v in slow]


@pytest.mark.parametrize("unit", ["ns", "us", "s"])
def test_to_json_list_datetimes_whole_equal_value_by_value(unit: str) -> None:
    """The whole-array datetime path writes what to_json_value writes for each value: a date
    at midnight, date and time otherwise (a fraction of a second past midnight included)."""
    stamps = pd.Series(
        pd.to_datetime(
            ["2023-07-01", "2023-07-01 08:30:05.25", "1955-02-03 00:00:00.5", None,
             "1969-12-31 23:59:59.75", "2030-11-12"],
            format="mixed",
        )
    ).astype(f"datetime64[{unit}]")  # fmt: skip
    assert to_json_list(stamps) == [to_json_value(v) for v in stamps]
    assert to_json_list(stamps)[3] is None
    assert to_json_list(stamps.iloc[:0]) == []


@pytest.mark.parametrize("grain", ["week", "month", "quarter", "year"])
@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_bucket_time_equals_pandas_period_starts(grain: str, unit: str) -> None:
    """NumPy's calendar units give what `to_period(...).start_time` gives, before 1970 too."""
    seconds = np.random.default_rng(11).integers(-2_500_000_000, 2_500_000_000, 5_000)
    when = pd.Series(pd.to_datetime(seconds, unit="s"), name="logged").astype(f"datetime64[{unit}]")
    when.iloc[::23] = pd.NaT
    code = {"week": "W", "month": "M", "quarter": "Q", "year": "Y"}[grain]
    expected = when.dt.to_period(code).dt.start_time.rename("logged")
    pd.testing.assert_series_equal(bucket_time(when, grain), expected)
