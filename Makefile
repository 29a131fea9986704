# Every developer workflow has a name here. `make app` and `make test` are the README's two commands.
.PHONY: app test setup setup-test lint format typecheck unit unit-without-models integration database security apptest e2e audit schemas bench bench-quick doctor clean

app: setup
	.venv/bin/streamlit run app.py

test: setup-test
	scripts/test.sh

setup:
	scripts/setup.sh app

setup-test:
	scripts/setup.sh test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/vulture && .venv/bin/lint-imports --no-logo

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

typecheck:
	.venv/bin/mypy autoviz_core

unit:
	.venv/bin/python -m pytest tests/unit

# The backend unit tests as if llama-cpp-python, gpt4all and the embedded model were not installed.
unit-without-models:
	.venv/bin/python scripts/unit_without_models.py

integration:
	.venv/bin/python -m pytest tests/integration

# a real PostgreSQL server started by the fixture: answers equal DuckDB's, read-only, hostile input
database:
	.venv/bin/python -m pytest tests/database

security:
	.venv/bin/python -m pytest tests/security

apptest:
	.venv/bin/python -m pytest tests/app

e2e:
	.venv/bin/python -m pytest tests/e2e

# the audit set: realistic questions over package tables, every plan and finding checked
audit:
	.venv/bin/python -m tests.audit.checker

schemas:
	.venv/bin/python scripts/render_schemas.py

bench:
	.venv/bin/python -m bench.run_all

bench-quick:
	.venv/bin/python -m bench.run_all --quick

doctor:
	.venv/bin/python -m autoviz_core doctor

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache
