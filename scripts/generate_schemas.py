"""Write each contract's JSON schema and GBNF grammar, for a fixed example table, to
autoviz_core/schemas/ so a reviewer can read what the model is constrained to.

    .venv/bin/python scripts/generate_schemas.py          # rewrite the files
    .venv/bin/python scripts/generate_schemas.py --check  # exit 1 if they drifted

tests/unit/test_contracts.py runs the same rendering and fails on drift.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import BaseModel

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from autoviz_core.contracts import (  # noqa: E402
    adaptation_contract,
    contract_schema_text,
    intent_contract,
    request_contract,
)
from autoviz_core.llm.base import schema_text  # noqa: E402

SCHEMA_DIR = REPO_ROOT / "autoviz_core" / "schemas"
# The header of /work/shared/eval/data/december_revenue.csv, fixed so the files are stable.
EXAMPLE_COLUMNS = ("date", "region", "product_category", "revenue", "units")
EXAMPLE_STEP_IDS = ("profile", "primary_chart", "trend", "top_segments")
EXAMPLE_TOOLS = ("summary_stats", "bar_chart", "line_chart", "group_aggregate", "detect_anomalies")
EXAMPLE_PARAMS = ("x", "y", "agg", "color", "time_grain", "limit")


def example_contracts() -> dict[str, type[BaseModel]]:
    """The contracts, built for the example table and plan."""
    return {
        "intent": intent_contract(),
        "request": request_contract(EXAMPLE_COLUMNS),
        "adaptation": adaptation_contract(EXAMPLE_STEP_IDS, EXAMPLE_TOOLS, EXAMPLE_PARAMS),
    }


def gbnf(contract: type[BaseModel]) -> str:
    """The GBNF grammar the llama.cpp backend compiles for this contract (field order kept)."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    return json_schema_to_gbnf(schema_text(contract))


def render() -> dict[str, str]:
    """File name -> content of every generated artifact."""
    files: dict[str, str] = {}
    for name, contract in example_contracts().items():
        files[f"{name}.schema.json"] = contract_schema_text(contract) + "\n"
        files[f"{name}.gbnf"] = gbnf(contract).rstrip("\n") + "\n"
    return files


def drifted(directory: Path = SCHEMA_DIR) -> list[str]:
    """Names of artifacts whose committed content differs from a fresh rendering."""
    out = []
    for name, content in render().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            out.append(name)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report drift (exit 1)")
    args = parser.parse_args(argv)
    if args.check:
        stale = drifted()
        for name in stale:
            print(f"drifted: autoviz_core/schemas/{name}")
        return 1 if stale else 0
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for name, content in render().items():
        (SCHEMA_DIR / name).write_text(content, encoding="utf-8")
        print(f"wrote autoviz_core/schemas/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
