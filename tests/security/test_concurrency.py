"""Many users: concurrent planning requests with the real model never mix their answers.

Threads share one embedded llama.cpp backend (its lock serialises the model); processes talk to
llama-server (the vLLM stand-in, --parallel 4) through the vLLM backend. Each request has its own
table with column names no other table has, so a crossed answer shows as a foreign column.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import plotly.express as px
import pytest

from autoviz_core.config import PlannerSettings, load_settings
from autoviz_core.data import profile_table, table_from_dataframe
from autoviz_core.llm.factory import create_backend
from autoviz_core.planning.planned import PlannedAnalysis, PlanningTable
from autoviz_core.planning.planner import Planner
from autoviz_core.tools.registry import get_tool

REPO = Path(__file__).resolve().parents[2]
MAX_TOKENS = 200  # the shipped limits.llm_max_tokens
SLOW_MACHINE_TIME_LIMIT_S = 600.0
MODEL_MODE = PlannerSettings(intent_mode="model", request_mode="model", adapt_mode="off")
REQUESTS = {
    "tips": "What is the mean tip for each day?",
    "iris": "Compare petal length across species.",
    "gapminder": "How did life expectancy change over the years?",
    "wind": "Show the frequency by direction.",
}
ALL_COLUMNS = {name: set(getattr(px.data, name)().columns) for name in REQUESTS}


def _columns_named_by(planned: PlannedAnalysis) -> set[str]:
    """Every column a request field or a validated plan step names."""
    names: set[str] = set()
    req = planned.request.model_dump()
    names |= {
        v for k, v in req.items() if k in ("x", "y", "color", "sort_by") and isinstance(v, str)
    }
    for step in planned.plan.steps:
        spec = get_tool(step.tool)
        assert spec is not None
        for param in spec.column_params():
            value = step.params.get(param)
            names |= (
                set(value)
                if isinstance(value, list)
                else {value}
                if isinstance(value, str)
                else set()
            )
    return names


def _check_belongs(table: str, question: str, planned: PlannedAnalysis) -> None:
    assert planned.question == question
    stages = [c.stage for c in planned.model_calls]
    assert stages == ["intent", "request", "answer"], planned.model_calls
    own = ALL_COLUMNS[table]
    named = _columns_named_by(planned) - {"", "none", "auto"}
    foreign = {c for c in named if c not in own and any(c in ALL_COLUMNS[o] for o in ALL_COLUMNS)}
    assert not foreign, f"{table}: columns of another table {foreign}"
    assert planned.request.x is None or planned.request.x in own or planned.request.x == "none"
    for step in planned.plan.steps:  # every step validates against its tool
        get_tool(step.tool).params_model.model_validate(step.params)  # type: ignore[union-attr]


@pytest.mark.model
def test_four_threads_share_one_embedded_model() -> None:
    settings = load_settings()
    # Isolation is under test, not speed: a loaded machine may take longer than the shipped
    # per-call time limit, which would end a call before its answer could be checked.
    limits = {"llm_max_tokens": MAX_TOKENS, "llm_timeout_s": SLOW_MACHINE_TIME_LIMIT_S}
    settings = settings.model_copy(update={"limits": settings.limits.model_copy(update=limits)})
    backend = create_backend("smollm2-llamacpp", settings)
    tables = {name: table_from_dataframe(getattr(px.data, name)(), name).df for name in REQUESTS}
    barrier = threading.Barrier(len(REQUESTS))

    def plan(name: str) -> PlannedAnalysis:
        df = tables[name]
        profile = profile_table(df)
        barrier.wait(timeout=60)
        return Planner(MODEL_MODE, backend).plan(REQUESTS[name], PlanningTable(df, profile, name))

    try:
        with ThreadPoolExecutor(max_workers=len(REQUESTS)) as pool:
            futures = {name: pool.submit(plan, name) for name in REQUESTS}
            results = {name: future.result(timeout=600) for name, future in futures.items()}
    finally:
        backend.close()
    for name, planned in results.items():
        _check_belongs(name, REQUESTS[name], planned)
        assert planned.backend == "smollm2-llamacpp"


CHILD = r"""
import json, sys
import plotly.express as px
from autoviz_core.config import PlannerSettings, load_settings
from autoviz_core.data import profile_table, table_from_dataframe
from autoviz_core.errors import AutoVizError
from autoviz_core.llm.factory import create_backend
from autoviz_core.planning.planned import PlanningTable
from autoviz_core.planning.planner import Planner

url, name, question = sys.argv[1:4]
settings = load_settings()
models = dict(settings.models)
models["vllm-local"] = models["vllm-local"].model_copy(update={"url": url, "model": "auto", "timeout": 300.0})
settings = settings.model_copy(update={
    "models": models,
    "limits": settings.limits.model_copy(update={"llm_max_tokens": 200, "llm_timeout_s": 300}),
})
backend = create_backend("vllm-local", settings)
df = table_from_dataframe(getattr(px.data, name)(), name).df
mode = PlannerSettings(intent_mode="model", request_mode="model", adapt_mode="off")
try:
    planned = Planner(mode, backend).plan(question, PlanningTable(df, profile_table(df), name))
except AutoVizError as exc:  # a rejected answer (e.g. cut at max_tokens) is reported, not raised
    print(json.dumps({"question": question, "error": type(exc).__name__ + ": " + str(exc)}))
    sys.exit(0)
finally:
    backend.close()
print(json.dumps({
    "question": planned.question,
    "stages": [c.stage for c in planned.model_calls],
    "request": planned.request.model_dump(),
    "steps": [{"tool": s.tool, "params": s.params} for s in planned.plan.steps],
}, default=str))
"""


@pytest.mark.model
@pytest.mark.server
def test_four_processes_against_llama_server(llama_server: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONWARNINGS": "ignore"}
    procs = {
        name: subprocess.Popen(
            [sys.executable, "-c", CHILD, llama_server, name, question],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name, question in REQUESTS.items()
    }
    outputs: dict[str, Any] = {}
    errors: dict[str, str] = {}
    try:
        for name, proc in procs.items():
            out, err = proc.communicate(timeout=600)
            if proc.returncode != 0:
                errors[name] = err[-2000:]
            else:
                outputs[name] = json.loads(out.strip().splitlines()[-1])
    finally:
        for proc in procs.values():  # never leave a child behind, even when one timed out
            if proc.poll() is None:
                proc.kill()
            proc.communicate()
    assert not errors, errors
    rejected = {name: doc["error"] for name, doc in outputs.items() if "error" in doc}
    for name, message in rejected.items():  # a weak model may be cut off: a clean rejection
        assert message.startswith("BackendError: ") and "\n" not in message, (name, message)
        assert "timed out" not in message, (name, message)
    assert len(rejected) <= len(REQUESTS) // 2, rejected  # most requests must be answered
    for name, doc in outputs.items():
        assert doc["question"] == REQUESTS[name]
        if name in rejected:
            continue
        assert doc["stages"] == ["intent", "request", "answer"]
        own = ALL_COLUMNS[name]
        named = {doc["request"].get(k) for k in ("x", "y", "color")} - {None, "", "none"}
        for step in doc["steps"]:
            spec = get_tool(step["tool"])
            assert spec is not None
            spec.params_model.model_validate(step["params"])
            for param in spec.column_params():
                value = step["params"].get(param)
                named |= (
                    set(value)
                    if isinstance(value, list)
                    else {value}
                    if isinstance(value, str)
                    else set()
                )
        foreign = {
            c for c in named if c not in own and any(c in ALL_COLUMNS[o] for o in ALL_COLUMNS)
        }
        assert not foreign, f"{name}: columns of another table {foreign}"
