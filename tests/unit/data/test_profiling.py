"""Roles, cardinality and missing shares on realistic tables."""

from __future__ import annotations

import pandas as pd
import pytest

from autoviz_core.data import profile_table, table_from_dataframe


def roles(df: pd.DataFrame) -> dict[str, str]:
    return {c.name: c.role for c in profile_table(df).columns}


def test_december_roles(december_df: pd.DataFrame) -> None:
    assert roles(december_df) == {
        "date": "temporal",
        "region": "categorical",
        "product_category": "categorical",
        "revenue": "numeric",
        "units": "numeric",
    }
    prof = profile_table(december_df)
    assert (prof.n_rows, prof.n_columns, prof.shape) == (496, 5, "time_series")
    region = prof.column("region")
    assert region is not None
    assert region.cardinality == december_df["region"].nunique() == 4
    assert region.missing_share == 0.0


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            "tips",
            {
                "total_bill": "numeric",
                "tip": "numeric",
                "day": "categorical",
                "smoker": "boolean",
                "size": "numeric",
            },
        ),
        (
            "gapminder",
            {"country": "categorical", "year": "temporal", "pop": "numeric", "lifeExp": "numeric"},
        ),
        ("stocks", {"date": "temporal", "GOOG": "numeric"}),
        ("iris", {"species": "categorical", "species_id": "identifier", "petal_length": "numeric"}),
    ],
)
def test_realistic_roles(
    realistic_tables: dict[str, pd.DataFrame], table: str, expected: dict[str, str]
) -> None:
    got = roles(realistic_tables[table])
    assert {k: got[k] for k in expected} == expected


def test_stocks_dates_stored_as_text_are_parsed(realistic_tables: dict[str, pd.DataFrame]) -> None:
    assert pd.api.types.is_datetime64_any_dtype(realistic_tables["stocks"]["date"])


def test_missing_share_and_samples() -> None:
    df = table_from_dataframe(
        pd.DataFrame({"a": [1.0, None, 3.0, None], "b": ["x", "y", "x", None]}), "t"
    ).df
    prof = profile_table(df)
    a, b = prof.column("a"), prof.column("b")
    assert a is not None and b is not None
    assert a.missing_share == 0.5
    assert b.cardinality == 2 and b.sample_values == ["x", "y"]
    assert a.min == 1.0 and a.max == 3.0 and a.mean == 2.0


def test_identifier_and_text_roles() -> None:
    n = 80
    df = pd.DataFrame(
        {
            "customer_id": range(n),
            "order_ref": [f"ORD-{i:06d}-XYZ" for i in range(n)],
            "comment": [
                f"this is a rather long free text comment number {i} about it" for i in range(n)
            ],
            "flag": ["yes", "no"] * (n // 2),
        }
    )
    got = roles(df)
    assert got == {
        "customer_id": "identifier",
        "order_ref": "identifier",
        "comment": "text",
        "flag": "boolean",
    }


def test_profile_works_with_pandas3_string_dtype() -> None:
    df = pd.DataFrame({"s": pd.array(["a", "b", None], dtype="str")})
    prof = profile_table(df)
    assert prof.columns[0].role == "categorical"
    assert prof.columns[0].missing_share == pytest.approx(1 / 3, abs=1e-3)
