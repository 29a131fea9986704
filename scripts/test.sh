#!/usr/bin/env bash
# The full check: lint, format, dead code, import layers, types, then every test (unit, integration, app, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
V=.venv/bin
echo "==> ruff check";  $V/ruff check .
echo "==> ruff format --check"; $V/ruff format --check .
echo "==> vulture (dead code)"; $V/vulture
echo "==> import contracts (.importlinter)"; $V/lint-imports --no-logo
echo "==> mypy autoviz_core"; $V/mypy autoviz_core
echo "==> backend unit tests without the model packages"; $V/python scripts/unit_without_models.py -q
echo "==> pytest"; $V/python -m pytest "$@"
