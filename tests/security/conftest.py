"""Fixtures of the security tests: llama-server is the integration suite's own session fixture
(tests/integration/conftest.py), reused rather than copied so there is one way to start it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_INTEGRATION = Path(__file__).resolve().parents[1] / "integration" / "conftest.py"


def _integration_fixtures() -> object:
    if not _INTEGRATION.exists():
        pytest.fail(f"missing {_INTEGRATION}: the llama-server fixture lives there")
    spec = importlib.util.spec_from_file_location("autoviz_integration_fixtures", _INTEGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


llama_server = _integration_fixtures().llama_server  # type: ignore[attr-defined]
