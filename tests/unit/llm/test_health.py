"""check_model/doctor_report: cheap status per model entry without loading any model."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from fake_openai import FakeServer

from autoviz_core.config import Settings, load_settings, parse_settings
from autoviz_core.llm.health import check_model, doctor_report


def _settings(**entry: Any) -> Settings:
    return parse_settings({"default_model": "m", "models": {"m": entry}})


def test_embedded_models_are_ready(embedded_package: Path) -> None:
    status = check_model("smollm2-llamacpp", load_settings())
    assert status.usable and status.status == "ready" and status.detail == str(embedded_package)
    assert status.label.startswith("SmolLM2") and status.backend == "llama.cpp"
    assert check_model("smollm2-gpt4all", load_settings()).usable


def test_missing_and_corrupt_model_files(tmp_path: Path, model_libraries: None) -> None:
    missing = check_model("m", _settings(backend="llama.cpp", path=str(tmp_path / "x.gguf")))
    assert (missing.usable, missing.status) == (False, "model missing")
    corrupt = tmp_path / "bad.gguf"
    corrupt.write_text("not a model")
    status = check_model("m", _settings(backend="llama.cpp", path=str(corrupt)))
    assert (status.usable, status.status) == (False, "error") and "not a GGUF" in status.detail


def test_library_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n: None if n == "gpt4all" else real(n))
    status = check_model("m", _settings(backend="gpt4all", path="embedded:smollm2"))
    assert status.status == "library missing" and "pip install gpt4all" in status.detail


def test_server_states(fake_server: FakeServer, closed_port_url: str) -> None:
    assert check_model("m", _settings(backend="vllm", url=fake_server.url)).status == "ready"
    wrong = check_model("m", _settings(backend="vllm", url=fake_server.url, model="phi"))
    assert wrong.status == "model missing" and "served-model" in wrong.detail
    down = check_model("m", _settings(backend="vllm", url=closed_port_url))
    assert (down.usable, down.status) == (False, "server unreachable")


def test_doctor_report_covers_every_entry() -> None:
    settings = load_settings()
    report = doctor_report(settings)
    assert [s.name for s in report] == list(settings.models)
