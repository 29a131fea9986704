"""A real PostgreSQL server for the database tests: Debian's PostgreSQL (installed by
scripts/setup.sh test), initialised in a temporary folder and started on a free loopback port.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user the
package creates. The server has an owner role (loads the data) and a reader role with a password
(what AutoViz connects as). Anything missing fails the run; nothing is skipped.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import pandas as pd
import pytest

from autoviz_core.config import Settings, load_settings
from tests.engine_tables import sales_table

OWNER = "autoviz_owner"
READER = "autoviz_reader"
DATABASE = "shop"


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    owner_password: str
    reader_password: str

    def url(self, user: str = READER) -> str:
        return f"postgresql://{user}@{self.host}:{self.port}/{DATABASE}"

    def connect(self, user: str = OWNER, dbname: str = DATABASE):  # type: ignore[no-untyped-def]
        import psycopg

        password = self.owner_password if user == OWNER else self.reader_password
        return psycopg.connect(
            host=self.host, port=self.port, user=user, password=password, dbname=dbname
        )


def _bindir() -> Path:
    found = sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        pytest.fail("PostgreSQL is not installed (scripts/setup.sh test installs `postgresql`).")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser") is None:
        pytest.fail("running as root needs `runuser` to start PostgreSQL as its own user")
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail("no `postgres` system user (the Debian package creates it)")
    return ["runuser", "-u", "postgres", "--"]


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    bindir, run_as = _bindir(), _as_server_user()
    root = Path(tempfile.mkdtemp(prefix="autoviz-pg-", dir="/tmp"))
    owner_pw, reader_pw = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    (root / "pw").write_text(owner_pw + "\n", encoding="utf-8")
    if run_as:
        shutil.chown(root, "postgres")
        shutil.chown(root / "pw", "postgres")
    data, port = root / "data", _free_port()

    def run(*cmd: str) -> None:
        subprocess.run([*run_as, *cmd], check=True, capture_output=True, timeout=120)

    try:
        run(
            str(bindir / "initdb"), "-D", str(data), "-U", OWNER, f"--pwfile={root / 'pw'}",
            "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8",
            "--no-locale", "--no-sync",
        )  # fmt: skip
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(root / "log"),
            "-w",
            "start",
        )
    except subprocess.CalledProcessError as exc:
        log = (root / "log").read_text(errors="replace") if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {exc.stderr.decode(errors='replace')} {log}")
    server = Postgres("127.0.0.1", port, owner_pw, reader_pw)
    try:
        _create_database(server)
        yield server
    finally:
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


def _create_database(server: Postgres) -> None:
    from psycopg import sql

    with server.connect(dbname="postgres") as con:
        con.autocommit = True
        con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
        con.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(READER), sql.Literal(server.reader_password)
            )
        )
    with server.connect() as con:
        load_table(con, "sales", sales_table())
        con.execute(
            sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(
                sql.Identifier(READER)
            )
        )


PG_TYPES = {"i": "bigint", "f": "double precision", "b": "boolean", "M": "timestamp"}


def load_table(con, name: str, df: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    """Create `name` with `df`'s columns (names quoted by psycopg) and copy the rows in."""
    from psycopg import sql

    columns = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(PG_TYPES.get(df[c].dtype.kind, "text")))
        for c in df.columns
    )
    con.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(name), columns))
    copy = sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(name))
    with con.cursor().copy(copy) as cp:
        for row in df.astype(object).where(df.notna(), None).itertuples(index=False, name=None):
            cp.write_row([v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in row])
    con.commit()


@pytest.fixture
def reader_env(postgres: Postgres, monkeypatch: pytest.MonkeyPatch) -> Postgres:
    """The reader's password in PGPASSWORD, where AutoViz reads it."""
    monkeypatch.setenv("PGPASSWORD", postgres.reader_password)
    return postgres


@pytest.fixture(scope="session")
def engine_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = load_settings()
    cache = str(tmp_path_factory.mktemp("engine-cache"))
    engine = settings.engine.model_copy(update={"route": "engine", "cache_dir": cache})
    return settings.model_copy(update={"engine": engine})
