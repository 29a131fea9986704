"""AppTest fixtures: a stub model backend (valid, deterministic answers) and an app runner."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from app_helpers import StubFactory
from streamlit.testing.v1 import AppTest

from autoviz_core.llm import factory, health

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT_S = 60


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
