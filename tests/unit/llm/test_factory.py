"""create_backend picks the module by config.yaml's backend kind; unknown names are ConfigErrors."""

from __future__ import annotations

from typing import Any

import pytest

from autoviz_core.config import Limits, ModelSettings, Settings, load_settings, parse_settings
from autoviz_core.errors import ConfigError
from autoviz_core.llm import factory
from autoviz_core.llm.factory import STRATEGIES, create_backend


def _settings(**entry: Any) -> Settings:
    return parse_settings(
        {
            "default_model": "m",
            "models": {"m": {"backend": "vllm", "url": "http://x", **entry}},
            "limits": {"llm_timeout_s": 7, "llm_max_tokens": 99},
        }
    )


def test_dispatch_by_backend_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[ModelSettings, Limits]] = []
    monkeypatch.setitem(factory.BUILDERS, "vllm", lambda s, n: seen.append((s, n)) or "built")
    assert create_backend("m", _settings(timeout=60)) == "built"
    model, limits = seen[0]
    assert model.name == "m" and limits.llm_max_tokens == 99 and limits.llm_timeout_s == 7
    assert model.timeout == 7  # the global LLM timeout caps the model's own


def test_unknown_model_name() -> None:
    with pytest.raises(ConfigError, match="Unknown backend/model 'nope'"):
        create_backend("nope", _settings())


def test_unknown_backend_kind() -> None:
    settings = _settings()
    broken = ModelSettings.model_construct(name="m", backend="xyz")
    settings.models["m"] = broken
    with pytest.raises(ConfigError, match="Unsupported backend: 'xyz'") as err:
        create_backend("m", settings)
    assert "llama.cpp" in err.value.hint


def test_every_configured_backend_has_a_builder_and_strategy() -> None:
    for model in load_settings().models.values():
        assert model.backend in factory.BUILDERS and model.backend in STRATEGIES
