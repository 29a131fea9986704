"""The Upload page's "Connect to a database" panel: a real DuckDB database file opened
read-only through the panel, and a URL holding a password refused without echoing it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

UploadApp = Callable[[], AppTest]


def _connect(at: AppTest, url: str, table: str) -> AppTest:
    at.text_input(key="db_url").set_value(url)
    at.text_input(key="db_table").set_value(table).run()
    at.button(key="db_connect").click().run()
    assert not at.exception, at.exception
    return at


def test_a_database_table_loads_read_only(app: UploadApp, tmp_path: Path) -> None:
    path = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE orders AS SELECT ['North','South','East'][1 + i % 3] AS region, "
        "i * 1.5 AS revenue FROM range(300) r(i)"
    )
    con.close()
    at = _connect(app(), f"duckdb://{path}", "orders")
    assert not at.error, [e.value for e in at.error]
    assert at.subheader[0].value == "duckdb:shop.duckdb/orders"
    assert any("300 rows × 2 columns" in c.value for c in at.caption)
    assert any("stays where it lives" in w.value for w in at.warning)
    table = at.session_state["table"]
    table.source.close()


def test_a_password_in_the_url_is_refused_and_not_shown(app: UploadApp) -> None:
    at = _connect(app(), "postgresql://reader:hunter2secret@localhost:5432/shop", "orders")
    errors = " ".join(e.value for e in at.error)
    assert "holds a password" in errors
    page = " ".join(str(e.value) for e in [*at.error, *at.caption, *at.markdown, *at.warning])
    assert "hunter2secret" not in page
