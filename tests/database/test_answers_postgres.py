"""The answer tools' SQL implementations on a real PostgreSQL server give the pandas answer:
the same sentences and answer objects as the pandas tools on the same rows (the table lives
in a schema of its own, so the public tables the safety tests fingerprint stay as they are)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from autoviz_core.config import Settings
from autoviz_core.engine.source import EngineTable, open_database
from autoviz_core.tools import ToolContext, get_tool
from tests.database.conftest import READER, Postgres, load_table
from tests.engine_tables import ANSWER_CASES, answers_table, assert_same_answer

SCHEMA = "answers"


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    return answers_table()


@pytest.fixture(scope="module")
def pg_answers(
    postgres: Postgres, engine_settings: Settings, answers: pd.DataFrame
) -> Iterator[EngineTable]:
    from psycopg import sql

    with postgres.connect() as con:
        con.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SCHEMA)))
        con.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(SCHEMA)))
        load_table(con, "answers", answers)
        grant = "GRANT USAGE ON SCHEMA {s} TO {r}; GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {r}"
        con.execute(sql.SQL(grant).format(s=sql.Identifier(SCHEMA), r=sql.Identifier(READER)))
        con.commit()
    source = open_database(
        postgres.url(), f"{SCHEMA}.answers", engine_settings, password=postgres.reader_password
    )
    with source:
        yield source


@pytest.mark.parametrize(
    "case", ANSWER_CASES, ids=lambda c: f"{c[0]}-{'-'.join(map(str, c[1].values()))}"[:70]
)
def test_postgres_answers_as_pandas_does(
    answers: pd.DataFrame, pg_answers: EngineTable, case: tuple[str, dict[str, Any]]
) -> None:
    tool, params = case
    spec = get_tool(tool)
    assert spec is not None and spec.sql_fn is not None
    assert pg_answers.dialect == "postgres"
    p = spec.params_model.model_validate(params)
    ctx = ToolContext(seed=42)
    assert_same_answer(spec.fn(answers, p, ctx), spec.sql_fn(pg_answers, p, ctx))
