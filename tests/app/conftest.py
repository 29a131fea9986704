"""AppTest fixtures: a stub model backend (valid, deterministic answers) and an app runner."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from pydantic import BaseModel
from streamlit.testing.v1 import AppTest

from autoviz_core.contracts import contract_json_schema
from autoviz_core.errors import ModelUnavailableError
from autoviz_core.llm import factory, health
from autoviz_core.llm.base import Generation

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT_S = 60


def minimal_instance(schema: dict[str, Any]) -> Any:
    """The simplest value a JSON schema accepts: first enum member, "", 0, [], objects filled."""
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if "anyOf" in schema:
        return minimal_instance(schema["anyOf"][0])
    kind = schema.get("type")
    if kind == "object":
        return {k: minimal_instance(v) for k, v in schema.get("properties", {}).items()}
    return {"array": [], "string": "", "integer": 0, "number": 0, "boolean": False}.get(kind)


class StubBackend:
    """A Backend whose every answer is a valid, minimal instance of the requested contract."""

    strategy = "gbnf"

    def __init__(self, name: str) -> None:
        self.name = name
        self.closed = False
        self.calls: list[str] = []

    def generate(
        self, messages: list[Any], contract: type[BaseModel], *, max_tokens: int | None = None
    ) -> Generation:
        value = contract.model_validate(minimal_instance(contract_json_schema(contract)))
        self.calls.append(contract.__name__)
        return Generation(value, value.model_dump_json(), {"total_ms": 1.0}, 1)

    def info(self) -> dict[str, Any]:
        return {"backend": "stub", "model": self.name}

    def close(self) -> None:
        self.closed = True

    def queue_depth(self) -> int:
        return 0


class StubFactory:
    """Replaces factory.create_backend: records what was built; can be told to fail."""

    def __init__(self) -> None:
        self.built: list[StubBackend] = []
        self.fail: str | None = None

    def __call__(self, name: str | None = None, settings: Any = None) -> StubBackend:
        if self.fail:
            raise ModelUnavailableError(self.fail, "Start the server or pick another model.")
        backend = StubBackend(name or "default")
        self.built.append(backend)
        return backend


def ready(name: str, settings: Any) -> health.ModelStatus:
    model = settings.model(name)
    return health.ModelStatus(name, model.display_name, model.backend, True, "ready", "stub")


@pytest.fixture
def stub_factory(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubFactory]:
    stub = StubFactory()
    monkeypatch.setattr(factory, "create_backend", stub)
    monkeypatch.setattr(health, "check_model", ready)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield stub
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def app(stub_factory: StubFactory) -> Callable[[], AppTest]:
    def make() -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
        at.run()
        assert not at.exception, at.exception
        return at

    return make
