"""Build step: render each contract's JSON schema and GBNF grammar into autoviz_core/schemas/
exactly as a real run builds them: the request grammar for a real table's columns, the adaptation
grammar from the tool registry and the plan the planner makes for a real question (no model
involved), so the committed files show what the app sends, and `--check` fails when code changes
it without regenerating them.

    .venv/bin/python scripts/render_schemas.py [--check] [--dir DIR]      (make schemas)

A script, not a module of the package: it runs the planner and the pipeline, and no part of the
product needs it at run time (the backends get their grammars from autoviz_core.llm).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import BaseModel

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autoviz_core.config import PlannerSettings, load_settings  # noqa: E402
from autoviz_core.contracts import (  # noqa: E402
    answer_contract,
    contract_schema_text,
    intent_contract,
    request_contract,
)
from autoviz_core.data.profiling import profile_table  # noqa: E402
from autoviz_core.llm.gbnf import contract_gbnf  # noqa: E402
from autoviz_core.pipeline import load_dataset  # noqa: E402
from autoviz_core.plan import Plan  # noqa: E402
from autoviz_core.planning.adaptation import contract_for  # noqa: E402
from autoviz_core.planning.planned import PlanningTable  # noqa: E402
from autoviz_core.planning.planner import Planner, primary_step  # noqa: E402

SCHEMA_DIR = REPO / "autoviz_core" / "schemas"
# A sample table shipped inside plotly and a question about it: what the example plan is for.
EXAMPLE_DATA = "plotly:tips"
EXAMPLE_QUESTION = "What is the mean tip for each day?"
# Cue-only planning with no adaptation: deterministic, and needs no model.
NO_MODEL = PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="off")


def example_plan() -> tuple[list[str], Plan]:
    """(the example table's columns, the plan the model would be asked to adapt for it)."""
    table = load_dataset(EXAMPLE_DATA, load_settings())
    profile = profile_table(table.df)
    planned = Planner(NO_MODEL, None).plan(
        EXAMPLE_QUESTION, PlanningTable(table.df, profile, table.name)
    )
    # The adaptation prompt shows the primary chart followed by the template's steps.
    draft = Plan(steps=[primary_step(planned.request), *planned.template_plan.steps])
    return profile.names(), draft


def example_contracts() -> dict[str, type[BaseModel]]:
    """The four contracts as the planner builds them for the example question."""
    columns, plan = example_plan()
    return {
        "intent": intent_contract(),
        "request": request_contract(columns),
        "answer": answer_contract(columns),
        "adaptation": contract_for(plan),
    }


def render() -> dict[str, str]:
    """File name -> content of every generated artifact."""
    files: dict[str, str] = {}
    for name, contract in example_contracts().items():
        files[f"{name}.schema.json"] = contract_schema_text(contract) + "\n"
        files[f"{name}.gbnf"] = contract_gbnf(contract).rstrip("\n") + "\n"
    return files


def drifted(directory: Path = SCHEMA_DIR, files: dict[str, str] | None = None) -> list[str]:
    """Names of artifacts whose file in `directory` differs from a fresh rendering."""
    files = render() if files is None else files
    return [
        name
        for name, content in files.items()
        if not (directory / name).is_file()
        or (directory / name).read_text(encoding="utf-8") != content
    ]


def write(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write every artifact into `directory`; the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in render().items():
        path = directory / name
        path.write_text(content, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Write the files, or with --check only report the drifted ones (exit 1)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only report drift (exit 1)")
    ap.add_argument("--dir", type=Path, default=SCHEMA_DIR, help="folder of the files")
    args = ap.parse_args(argv)
    if args.check:
        stale = drifted(args.dir)
        for name in stale:
            print(f"drifted: {args.dir / name}", file=sys.stderr)
        if stale:
            print("error: run `make schemas` and commit the files", file=sys.stderr)
        return 1 if stale else 0
    for path in write(args.dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
