"""Every bad input gets a clear message (DataLoadError) or a correctly loaded table."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from autoviz_core.config import Limits
from autoviz_core.data import load_table, load_table_bytes
from autoviz_core.errors import DataLoadError


def load(data: bytes, name: str = "t.csv", **limits: float) -> pd.DataFrame:
    return load_table_bytes(data, name, Limits(**limits)).df  # type: ignore[arg-type]


def fails(data: bytes, name: str = "t.csv", match: str = "", **limits: float) -> str:
    with pytest.raises(DataLoadError, match=match) as info:
        load_table_bytes(data, name, Limits(**limits))  # type: ignore[arg-type]
    message = info.value.message
    assert "Traceback" not in message and len(message.splitlines()) == 1
    return message


def test_sales_csv_loads(sales_csv: Path) -> None:
    table = load_table(sales_csv)
    assert table.df.shape == pd.read_csv(sales_csv).shape
    assert table.delimiter == "," and table.encoding == "utf-8"
    assert pd.api.types.is_datetime64_any_dtype(table.df["sale_date"])


def test_empty_file() -> None:
    fails(b"", match="empty")
    fails(b"  \n\n", match="empty")


def test_header_only() -> None:
    fails(b"a,b,c\n", match="no data rows")


def test_binary_file() -> None:
    fails(bytes(range(256)) * 50, "data.csv", match="binary")


def test_wrong_extension_with_csv_content_still_loads_as_text() -> None:
    fails(b"a,b\n1,2\n", "data.pdf", match="Unsupported file type")
    df = load(b"a,b\n1,2\n", "data.txt")
    assert list(df.columns) == ["a", "b"]


def test_xlsx_named_file_that_is_not_excel() -> None:
    fails(b"a,b\n1,2\n", "data.xlsx", match="not xlsx")


def test_cp1252_text() -> None:
    raw = "name;price\nCafé;3,50\nCrème brûlée;4,20\n".encode("cp1252")
    table = load_table_bytes(raw, "menu.csv")
    assert table.delimiter == ";"
    assert table.df["name"].tolist() == ["Café", "Crème brûlée"]
    assert any("not UTF-8" in w for w in table.warnings)


def test_utf8_bom_is_not_part_of_the_first_column_name() -> None:
    df = load("\ufeffid,value\n1,2\n".encode())
    assert list(df.columns) == ["id", "value"]


def test_semicolon_separated() -> None:
    df = load(b"region;revenue\nNorth;10\nSouth;20\n")
    assert df["revenue"].sum() == 30


def test_tsv() -> None:
    df = load(b"a\tb\n1\t2\n3\t4\n", "t.tsv")
    assert df["b"].tolist() == [2, 4]


def test_quoted_fields_with_newlines() -> None:
    df = load(b'id,comment\n1,"line one\nline two"\n2,"plain"\n')
    assert len(df) == 2
    assert df.loc[0, "comment"] == "line one\nline two"


def test_duplicate_column_names_are_renamed_and_reported() -> None:
    table = load_table_bytes(b"a,a,b\n1,2,3\n", "t.csv")
    assert list(table.df.columns) == ["a", "a_2", "b"]
    assert any("Duplicate" in w for w in table.warnings)


def test_blank_column_names() -> None:
    table = load_table_bytes(b"a,,c\n1,2,3\n", "t.csv")
    assert list(table.df.columns) == ["a", "column_2", "c"]
    assert any("no name" in w for w in table.warnings)


def test_all_missing_column_is_kept_and_reported() -> None:
    table = load_table_bytes(b"a,b\n1,\n2,\n", "t.csv")
    assert table.df["b"].isna().all()
    assert any("empty" in w for w in table.warnings)


def test_mixed_type_column() -> None:
    rows = "\n".join(f"{i},{i * 10}" for i in range(40))
    table = load_table_bytes(f"k,v\n{rows}\n41,n/a?\n".encode(), "t.csv")
    assert pd.api.types.is_numeric_dtype(table.df["v"])
    assert table.df["v"].isna().sum() == 1
    assert any("not numbers" in w for w in table.warnings)
    # a column that is really text stays text
    df = load(b"k,v\n1,apple\n2,3\n3,pear\n")
    assert not pd.api.types.is_numeric_dtype(df["v"])


def test_codes_with_leading_zeros_stay_text() -> None:
    df = load(b"zip,n\n02134,1\n10001,2\n")
    assert df["zip"].tolist() == ["02134", "10001"]


def test_thousand_columns_load_and_over_limit_fails() -> None:
    header = ",".join(f"c{i}" for i in range(1200))
    row = ",".join(str(i) for i in range(1200))
    df = load(f"{header}\n{row}\n".encode())
    assert df.shape == (1, 1200)
    fails(f"{header}\n{row}\n".encode(), match="columns, over", max_columns=1000)


def test_file_over_size_limit() -> None:
    fails(b"a,b\n" + b"1,2\n" * 300_000, match="over the", max_upload_mb=1)


def test_rows_over_limit() -> None:
    fails(b"a\n" + b"1\n" * 101, match="rows", max_rows=100)


def test_ragged_rows_are_skipped_and_reported() -> None:
    table = load_table_bytes(b"a,b\n1,2\n3,4,5\n6,7\n", "t.csv")
    assert table.df["a"].tolist() == [1, 6]
    assert any("Skipped 1" in w for w in table.warnings)


def test_dates_stored_as_text_are_parsed() -> None:
    df = load(b"day,v\n2024-12-01,1\n2024-12-02,2\n")
    assert pd.api.types.is_datetime64_any_dtype(df["day"])
    df = load(b"day,v\n12/01/2024,1\n12/31/2024,2\n")
    assert df["day"].dt.month.tolist() == [12, 12]


def test_times_of_day_are_not_dates() -> None:
    df = load(b"swimmer,meter_200\nA,1:54.40\nB,1:56.34\n")
    assert df["meter_200"].tolist() == ["1:54.40", "1:56.34"]


def test_excel_parquet_and_jsonl(tmp_path: Path) -> None:
    frame = pd.DataFrame({"region": ["N", "S"], "revenue": [1.5, 2.5]})
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    assert load(buf.getvalue(), "t.xlsx")["revenue"].sum() == 4.0
    buf = io.BytesIO()
    frame.to_parquet(buf)
    assert load(buf.getvalue(), "t.parquet")["region"].tolist() == ["N", "S"]
    jsonl = b'{"region": "N", "revenue": 1.5}\n{"region": "S", "revenue": 2.5}\n'
    assert load(jsonl, "t.jsonl")["revenue"].sum() == 4.0


def test_excel_zip_bomb_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * 50_000_000)
    fails(buf.getvalue(), "t.xlsx", match="zip bomb", max_upload_mb=1)


def test_old_xls_is_refused_clearly() -> None:
    fails(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "t.xls", match="xls")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataLoadError, match="not found"):
        load_table(tmp_path / "nope.csv")


AWKWARD_CSV = (
    b"id,zip,when,stamp,flag,score,label,note\n"
    b'1,02134,2024-01-05,2024-01-05T10:00:00Z,True,1.5,NA,"two\nlines"\n'
    b"2,10001,2024-02-29,2024-01-06T11:30:00+01:00,false,,north,plain\n"
    b"3,00501,,2024-01-07T00:00:00Z,TRUE,3,,\n"
)


def test_columnar_and_pandas_parsers_read_the_same_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from autoviz_core.data import loading

    fast = load(AWKWARD_CSV)
    monkeypatch.setattr(loading, "_parse_csv_arrow", lambda *args, **kwargs: None)
    slow = load(AWKWARD_CSV)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast["zip"].tolist() == ["02134", "10001", "00501"]
    assert fast["stamp"].dt.hour.tolist() == [10, 10, 0]  # offsets converted to UTC
    assert fast["label"].isna().tolist() == [True, False, True]


def test_columnar_reader_is_used_for_clean_files(monkeypatch: pytest.MonkeyPatch) -> None:
    from autoviz_core.data import loading

    def no_pandas(*args: object, **kwargs: object) -> pd.DataFrame:
        raise AssertionError("the pandas parser was used for a clean file")

    monkeypatch.setattr(loading, "_parse_csv_pandas", no_pandas)
    df = load(b"a,b,c\n1,x,2024-01-01\n2,y,2024-01-02\n")
    assert df["a"].dtype == "int64" and pd.api.types.is_datetime64_any_dtype(df["c"])


def test_a_file_is_read_from_disk_without_a_bytes_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv, pq = tmp_path / "t.csv", tmp_path / "t.parquet"
    csv.write_bytes(AWKWARD_CSV)
    expected = load(AWKWARD_CSV)
    pd.DataFrame({"region": ["N", "S"], "revenue": [1.5, 2.5]}).to_parquet(pq)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"read {self} into memory"))
    table = load_table(csv)
    pd.testing.assert_frame_equal(table.df, expected)
    assert (table.format, table.encoding, table.delimiter) == ("csv", "utf-8", ",")
    assert load_table(pq).df["revenue"].sum() == 4.0


def test_a_file_that_needs_the_in_memory_path_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "menu.csv"
    path.write_bytes("name;price\nCafé;3,50\n".encode("cp1252"))
    table = load_table(path)
    assert table.df["name"].tolist() == ["Café"] and table.encoding == "cp1252"
    path.write_bytes(b"a,b\n1,2\n3,4,5\n")
    assert any("Skipped 1" in w for w in load_table(path).warnings)
    path.write_bytes(b"a\n" + b"1\n" * 101)
    with pytest.raises(DataLoadError, match="rows"):
        load_table(path, Limits(max_rows=100))


@pytest.mark.parametrize(
    ("text", "delimiter", "codes"),
    [
        (b"a,zip\n1,02134\n2,33\n", ",", {"zip"}),
        (b'a,zip\n1,"02134"\n', ",", {"zip"}),
        (b"zip\tb\n02134\t1\n", "\t", {"zip"}),
        (b"a;b\r\n1;007\r\n", ";", {"b"}),
        (b"a,b\n0.5,10\n0,3\n", ",", set()),  # a decimal or a lone zero is a number
        (b"day,n\n2024-01-05,1\n", ",", set()),  # zeros inside a field do not count
    ],
)
def test_code_columns_with_leading_zeros_are_found_after_the_quick_check(text, delimiter, codes):
    from autoviz_core.data.loading import _leading_zero_columns

    assert set(_leading_zero_columns(text, delimiter)) == codes
