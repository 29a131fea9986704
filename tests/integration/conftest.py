"""Real-model fixtures: the embedded SmolLM2 on each backend, and a llama-server standing in for
vLLM. Everything is loaded once per session; anything missing FAILS the run (never skips)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from autoviz_core.config import Limits, Settings, load_settings
from autoviz_core.contracts import adaptation_contract, intent_contract, request_contract
from autoviz_core.errors import ModelUnavailableError
from autoviz_core.llm import Backend, Message, create_backend
from autoviz_core.llm.llama_server import LlamaServer

# Column lists of realistic tables: plotly.express.data samples and our own shop sales
# (tests/shop_sales.py).
TABLES: dict[str, list[str]] = {
    "tips": ["total_bill", "tip", "sex", "smoker", "day", "time", "size"],
    "iris": ["sepal_length", "sepal_width", "petal_length", "petal_width", "species", "species_id"],
    "gapminder": ["country", "continent", "year", "lifeExp", "pop", "gdpPercap", "iso_alpha", "iso_num"],
    "sales": ["sale_date", "store", "aisle", "sales", "items"],
}  # fmt: skip
QUESTIONS: dict[str, str] = {
    "tips": "What is the mean tip for each day?",
    "iris": "Compare petal length across species.",
    "gapminder": "How did life expectancy change over the years by continent?",
    "sales": "Show the total sales of every store.",
}
STEP_IDS = ("profile", "primary_chart", "trend")
TOOLS = ("summary_stats", "bar_chart", "line_chart", "group_aggregate")
PARAMS = ("x", "y", "agg", "color")
# Intent: the decision is the first field, and a rationale cut off is closed by the backend.
# Request and adaptation: 400, not the configured 200. llama-server's grammar allows pretty-
# printed JSON and SmolLM2 spends a token per digit: a gapminder request with two timestamp
# filter values took 256 tokens, and over 320 when llama-server's slot cache changed the greedy
# path. Filter/param `value` strings have no length bound in the contracts (yet). Calls are
# capped by limits.llm_max_tokens, so the test settings raise that limit to TEST_TOKEN_LIMIT.
TEST_TOKEN_LIMIT = 400
# These tests check what the model answers, not how fast: on a loaded 2-core machine a 400-token
# answer can take longer than the shipped 60 s per call. The time-limit tests pass their own.
TEST_TIME_LIMIT_S = 300.0
MAX_TOKENS: dict[str, int | None] = {"intent": 48, "request": 400, "adaptation": 400}


def model_threads() -> int:
    """One thread for the models under test (AUTOVIZ_TEST_THREADS overrides).

    Greedy output depends on the thread count (float summation order), so a fixed count keeps
    the suite reproducible on any machine. And with more runnable processes than cores,
    llama.cpp's threads spin at barriers waiting for a descheduled peer: measured here at load 8
    on 2 cores, 1.4 tokens/s with 2 threads against 10-12 with 1.
    """
    return int(os.environ.get("AUTOVIZ_TEST_THREADS") or 1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here needs the real model (marker `model`)."""
    for item in items:
        if "tests/integration" in str(item.fspath):
            item.add_marker(pytest.mark.model)


def system_prompt(table: str) -> str:
    columns = ", ".join(TABLES[table])
    return (
        "You are a data analysis planner. You answer only with JSON.\n"
        f"The table has these columns: {columns}."
    )


def messages(table: str, question: str) -> list[Message]:
    return [
        {"role": "system", "content": system_prompt(table)},
        {"role": "user", "content": question},
    ]


def contract_for(kind: str, table: str) -> Any:
    if kind == "intent":
        return intent_contract()
    if kind == "request":
        return request_contract(TABLES[table])
    return adaptation_contract(STEP_IDS, TOOLS, PARAMS)


def task_for(kind: str, table: str) -> list[Message]:
    question = QUESTIONS[table]
    if kind == "adaptation":
        question = (
            f"The plan has steps {', '.join(STEP_IDS)}. Question: {question} "
            "Propose changes to the plan."
        )
    return messages(table, question)


# ---------------------------------------------------------------- llama-server
@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama.cpp's OpenAI-compatible server with the embedded SmolLM2, on a free local port
    (built first if missing: about 5 minutes)."""
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    server = LlamaServer(parallel=4, ctx_size=4096, threads=model_threads(), log=log)
    try:
        url = server.start()
    except ModelUnavailableError as exc:
        pytest.fail(str(exc))
    try:
        yield url
    finally:
        server.stop()


# ---------------------------------------------------------------- backends (one load each)
def _settings_with(name: str, **overrides: Any) -> Settings:
    settings = load_settings()
    models = dict(settings.models)
    models[name] = models[name].model_copy(update=overrides)
    limits = settings.limits.model_copy(
        update={"llm_max_tokens": TEST_TOKEN_LIMIT, "llm_timeout_s": TEST_TIME_LIMIT_S}
    )
    return settings.model_copy(update={"models": models, "limits": limits})


@pytest.fixture(scope="session")
def llamacpp_backend() -> Iterator[Backend]:
    backend = create_backend(
        "smollm2-llamacpp",
        _settings_with("smollm2-llamacpp", max_retries=1, n_threads=model_threads()),
    )
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def gpt4all_backend() -> Iterator[Backend]:
    backend = create_backend(
        "smollm2-gpt4all",
        _settings_with("smollm2-gpt4all", max_retries=1, n_threads=model_threads()),
    )
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def vllm_backend(llama_server: str) -> Iterator[Backend]:
    settings = _settings_with(
        "vllm-local", url=llama_server, model="auto", timeout=120.0, max_retries=1
    )
    backend = create_backend("vllm-local", settings)
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def vllm_json_schema_backend(vllm_backend: Backend) -> Backend:
    """The same server spoken to as vLLM is spoken to: the contract's JSON schema in
    response_format (a llama.cpp server is otherwise sent the GBNF grammar)."""
    from autoviz_core.llm.vllm import VLLMBackend

    assert isinstance(vllm_backend, VLLMBackend)
    limits = Limits(
        llm_max_tokens=vllm_backend.default_max_tokens, llm_timeout_s=vllm_backend.time_limit_s
    )
    return VLLMBackend(
        vllm_backend.client,
        vllm_backend.settings,
        limits,
        served_model=vllm_backend.served_model,
        context_length=vllm_backend.context_length,
        takes_gbnf=False,
    )
