# Every developer workflow has a name here. `make app` and `make test` are the README's two commands.
.PHONY: app test setup setup-test lint format typecheck unit integration apptest e2e schemas bench bench-quick doctor clean

app: setup
	.venv/bin/streamlit run app.py

test: setup-test
	scripts/test.sh

setup:
	scripts/setup.sh app

setup-test:
	scripts/setup.sh test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

typecheck:
	.venv/bin/mypy autoviz_core

unit:
	.venv/bin/python -m pytest tests/unit

integration:
	.venv/bin/python -m pytest tests/integration

apptest:
	.venv/bin/python -m pytest tests/app

e2e:
	.venv/bin/python -m pytest tests/e2e

schemas:
	.venv/bin/python scripts/generate_schemas.py

bench:
	.venv/bin/python -m bench.run_all

bench-quick:
	.venv/bin/python -m bench.run_all --quick

doctor:
	.venv/bin/python -m autoviz_core doctor

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache
