"""AutoViz against a real PostgreSQL server: the same answers as DuckDB on the same data, a
read-only session, hostile names and values that change nothing, and a password that never
shows up in output, reports, bundles, logs or error messages."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from autoviz_core.cli import main
from autoviz_core.config import Settings
from autoviz_core.engine.query import Canceller, QueryCancelled, run_query
from autoviz_core.engine.source import EngineTable, open_database, open_files
from autoviz_core.errors import DataLoadError
from autoviz_core.pipeline import result_document, run_analysis
from autoviz_core.tools import ToolContext, ToolResult, get_tool
from tests.database.conftest import OWNER, Postgres, load_table
from tests.engine_tables import assert_same_chart, sales_table

REQUESTS: list[dict[str, Any]] = [
    {"kind": "bar", "x": "region", "y": "revenue", "agg": "mean"},
    {"kind": "bar", "x": "region", "y": "revenue", "agg": "median", "sort_by": "y", "limit": 3},
    {"kind": "bar", "x": "product", "y": "units", "agg": "sum", "color": "region"},
    {"kind": "bar", "x": "returned", "y": "revenue", "agg": "max"},
    {"kind": "bar", "y": "units", "measures": ["discount"], "agg": "mean"},
    {"kind": "line", "x": "order_date", "y": "revenue", "agg": "sum", "time_grain": "month"},
    {"kind": "line", "x": "order_date", "agg": "count", "time_grain": "week"},
    {"kind": "bar", "x": "order_date", "y": "units", "agg": "mean", "time_grain": "weekday"},
    {"kind": "bar", "x": "order_date", "agg": "count", "time_grain": "hour"},
    {"kind": "bar", "x": "order_date", "y": "units", "agg": "min", "time_grain": "quarter"},
    {"kind": "heatmap", "x": "region", "color": "product", "y": "revenue"},
    {"kind": "scatter", "x": "discount", "y": "revenue"},
    {"kind": "bar", "x": "region", "agg": "count",
     "filters": [{"column": "product", "op": "contains", "value": "cake"}]},
    {"kind": "bar", "x": "product", "agg": "count",
     "filters": [{"column": "region", "op": "eq", "value": "north"}]},
    {"kind": "bar", "x": "region", "y": "revenue", "agg": "sum",
     "filters": [{"column": "order_date", "op": "between", "value": ["2022-02", "2022-06"]},
                 {"column": "units", "op": "in", "value": [1, 5, 9]},
                 {"column": "returned", "op": "ne", "value": "yes"}]},
]  # fmt: skip


@pytest.fixture(scope="module")
def both(
    postgres: Postgres, engine_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[EngineTable, EngineTable]]:
    parquet = tmp_path_factory.mktemp("pg") / "sales.parquet"
    sales_table().to_parquet(parquet)
    pg = open_database(postgres.url(), "sales", engine_settings, password=postgres.reader_password)
    with pg, open_files(str(parquet), engine_settings) as duck:
        yield pg, duck


def _chart(source: EngineTable, params: dict[str, Any]) -> ToolResult:
    spec = get_tool("chart")
    assert spec is not None and spec.sql_fn is not None
    return spec.sql_fn(source, spec.params_model.model_validate(params), ToolContext(seed=42))


@pytest.mark.parametrize("params", REQUESTS, ids=lambda p: "-".join(map(str, p.values()))[:60])
def test_postgres_answers_as_duckdb_does(
    both: tuple[EngineTable, EngineTable], params: dict[str, Any]
) -> None:
    pg, duck = both
    assert pg.dialect == "postgres" and duck.dialect == "duckdb"
    assert_same_chart(_chart(duck, params), _chart(pg, params))


def test_a_whole_run_on_postgres_answers_as_on_the_file(
    reader_env: Postgres, engine_settings: Settings, tmp_path: Path
) -> None:
    parquet = tmp_path / "sales.parquet"
    sales_table().to_parquet(parquet)
    question = "sum of revenue for each region, only the South and East regions"
    on_pg = run_analysis(reader_env.url(), question, None, engine_settings, table_name="sales")
    on_file = run_analysis(str(parquet), question, None, engine_settings)
    a, b = result_document(on_pg, "none"), result_document(on_file, "none")
    assert a["request"] == b["request"]
    assert a["findings"][0]["text"] == b["findings"][0]["text"]
    assert on_pg.table.name == f"postgresql://127.0.0.1:{reader_env.port}/shop/sales"


def test_the_session_is_read_only(both: tuple[EngineTable, EngineTable]) -> None:
    pg, _ = both
    with pytest.raises(Exception, match="read-only"):
        pg.backend.raw_sql("CREATE TABLE intruder (a int)")
    pg.backend.con.rollback()


def _fingerprint(postgres: Postgres) -> list[tuple[Any, ...]]:
    """Every table, its row count and a checksum of its rows, as the owner sees them."""
    from psycopg import sql

    with postgres.connect() as con:
        names = [
            r[0]
            for r in con.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            ).fetchall()
        ]
        out = []
        for name in names:
            q = sql.SQL("SELECT count(*), md5(string_agg(t::text, ',' ORDER BY t::text)) FROM {} t")
            out.append((name, *con.execute(q.format(sql.Identifier(name))).fetchone()))  # type: ignore[misc]
        return out


def _answer(source: EngineTable, tool: str, params: dict[str, Any]) -> ToolResult:
    spec = get_tool(tool)
    assert spec is not None and spec.sql_fn is not None
    result = spec.sql_fn(source, spec.params_model.model_validate(params), ToolContext(seed=42))
    assert result.metrics["answer"]["text"]
    return result


HOSTILE_TABLE = 'sales"; DROP TABLE sales; --'
HOSTILE_COLUMN = "region'); DELETE FROM sales; --"
HOSTILE_VALUES = [
    "'; DROP TABLE sales; --",
    'North"; DROP TABLE sales; --',
    "x' OR '1'='1",
    "%' ; TRUNCATE sales; --",
    "\\'; DELETE FROM sales; --",
]


def test_hostile_names_and_values_change_nothing(
    postgres: Postgres, engine_settings: Settings
) -> None:
    df = sales_table(200).rename(columns={"region": HOSTILE_COLUMN})
    with postgres.connect() as con:
        load_table(con, HOSTILE_TABLE, df)
        con.execute(
            f'GRANT SELECT ON "{HOSTILE_TABLE.replace(chr(34), chr(34) * 2)}" TO autoviz_reader'
        )
        con.commit()
    before = _fingerprint(postgres)
    with open_database(
        postgres.url(), HOSTILE_TABLE, engine_settings, password=postgres.reader_password
    ) as source:
        assert HOSTILE_COLUMN in source.table.columns
        for value in HOSTILE_VALUES:
            for op in ("eq", "contains", "startswith", "in", "ne"):
                value_or_list = [value] if op == "in" else value
                filt = {"column": HOSTILE_COLUMN, "op": op, "value": value_or_list}
                params = {"x": HOSTILE_COLUMN, "y": "units", "agg": "sum", "filters": [filt]}
                assert _chart(source, params).chart is not None
        for value in HOSTILE_VALUES:  # the answers' SQL quotes them too
            _answer(
                source,
                "answer_statistic",
                {
                    "stat": "count",
                    "counted": [{"column": HOSTILE_COLUMN, "op": "eq", "value": value}],
                },
            )
            _answer(
                source,
                "answer_statistic",
                {
                    "stat": "mode",
                    "column": HOSTILE_COLUMN,
                    "filters": [{"column": HOSTILE_COLUMN, "op": "ne", "value": value}],
                },
            )
            _answer(
                source,
                "answer_change",
                {"measure": "units", "period": HOSTILE_COLUMN, "start": value, "end": "North"},
            )
        _answer(source, "answer_extreme", {"measure": "revenue", "by": HOSTILE_COLUMN})
        # a hostile value that is really in the table is matched as one literal
        match = {"column": HOSTILE_COLUMN, "op": "eq", "value": "North"}
        counted = _chart(source, {"x": HOSTILE_COLUMN, "agg": "count", "filters": [match]})
        assert counted.chart is not None and counted.chart.x_values == ["North"]
    assert _fingerprint(postgres) == before
    with pytest.raises(DataLoadError, match="no table"):
        open_database(
            postgres.url(),
            "sales; DROP TABLE sales",
            engine_settings,
            password=postgres.reader_password,
        )
    assert _fingerprint(postgres) == before
    assert [row[0] for row in before] == sorted(["sales", HOSTILE_TABLE])


def test_the_password_never_shows(
    reader_env: Postgres,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    out, bundle = tmp_path / "out.json", tmp_path / "bundle"
    code = main(
        ["run", reader_env.url(), "total units by product", "--table", "sales",
         "--json", str(out), "--out", str(bundle), "--no-adapt", "--mode", "cues"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    secret = reader_env.reader_password
    texts = [captured.out, captured.err, out.read_text(encoding="utf-8"), caplog.text]
    texts += [
        p.read_text(encoding="utf-8", errors="replace") for p in bundle.rglob("*") if p.is_file()
    ]
    assert all(secret not in t for t in texts)
    assert json.loads(out.read_text(encoding="utf-8"))["charts"]


def test_connection_errors_are_one_line_without_the_password(
    postgres: Postgres, engine_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "not-" + postgres.reader_password
    monkeypatch.setenv("PGPASSWORD", wrong)
    with pytest.raises(DataLoadError) as caught:
        open_database(postgres.url(), "sales", engine_settings)
    message = str(caught.value)
    assert "password authentication failed" in message and wrong not in message
    assert "\n" not in message
    with_password = f"postgresql://{OWNER}:{postgres.owner_password}@127.0.0.1:{postgres.port}/shop"
    with pytest.raises(DataLoadError, match="holds a password") as refused:
        open_database(with_password, "sales", engine_settings)
    assert postgres.owner_password not in str(refused.value)


def test_a_running_postgres_query_can_be_cancelled(both: tuple[EngineTable, EngineTable]) -> None:
    pg, _ = both
    t = pg.table
    a, b, c = t.view(), t.view(), t.view()
    slow = a.cross_join(b.select(u=b.units)).cross_join(c.select(w=c.discount))
    slow = slow.aggregate(n=(slow.units * slow.u + slow.w).sum())
    canceller = Canceller(pg.backend, "postgres")
    heard: list[str] = []

    def on_progress(p: Any) -> None:
        heard.append(p.text())
        if len(heard) == 2:
            canceller.cancel()

    with pytest.raises(QueryCancelled):
        run_query(lambda: pg.backend.to_pyarrow(slow), canceller, "join", on_progress=on_progress,
                  progress_after_s=0.0)  # fmt: skip
    assert heard[0].startswith("join: running")
    pg.backend.con.rollback()
    assert pd.Series(pg.fetch(t.select("units").limit(3), "after").column(0).to_pylist()).size == 3
