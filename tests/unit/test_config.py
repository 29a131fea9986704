"""config.yaml -> Settings: read from the repository (not the working directory), backend
defaults merged into each model, errors that name the key, and reloading when the file changes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from autoviz_core.config import (
    DEFAULT_CONFIG_PATH,
    Limits,
    PlannerSettings,
    config_path,
    load_settings,
    parse_settings,
)
from autoviz_core.errors import ConfigError


def _raw(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "default_model": "a",
        "models": {"a": {"backend": "llama.cpp", "path": "~/a.gguf", "n_threads": 4}},
        "backends": {"llama.cpp": {"n_threads": 1, "n_ctx": 1024, "repeat_penalty": 1.2}},
    }
    return {**raw, **changes}


def test_the_repository_config_is_read_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUTOVIZ_CONFIG", raising=False)
    (tmp_path / "config.yaml").write_text("default_model: nope\nmodels: {}\n")
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.source == str(DEFAULT_CONFIG_PATH) and settings.default_model in settings.models
    assert config_path() == DEFAULT_CONFIG_PATH


def test_autoviz_config_and_an_explicit_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(_raw()))
    monkeypatch.setenv("AUTOVIZ_CONFIG", str(path))
    assert config_path() == path and load_settings().source == str(path)
    monkeypatch.delenv("AUTOVIZ_CONFIG")
    assert load_settings(path).default_model == "a"


def test_backend_defaults_are_merged_and_the_model_entry_wins() -> None:
    model = parse_settings(_raw()).model("a")
    assert (model.name, model.n_threads, model.n_ctx) == ("a", 4, 1024)
    assert model.repeat_penalty == 1.2  # type: ignore[attr-defined]  # extra keys are kept
    assert model.display_name == "a" and model.timeout == 60.0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"default_model": "b"}, "default_model 'b' is not in models"),
        ({"models": {"a": {"backend": "onnx"}}}, "models.a.backend"),
        ({"limits": {"max_rows": "many"}}, "limits.max_rows"),
        ({"limits": {"max_rowz": 5}}, "limits.max_rowz: Extra inputs"),
        ({"planner": {"intent_mode": "guess"}}, "planner.intent_mode"),
    ],
)
def test_errors_name_the_key(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_settings(_raw(**changes), source="cfg.yaml")


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Config file not found"):
        load_settings(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("models: [unclosed\n")
    with pytest.raises(ConfigError, match="is not valid YAML"):
        load_settings(bad)
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="is not a mapping"):
        load_settings(listed)


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(_raw(limits={"max_rows": 10})))
    assert load_settings(path).limits.max_rows == 10
    path.write_text(yaml.safe_dump(_raw(limits={"max_rows": 20})))
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))
    assert load_settings(path).limits.max_rows == 20


def test_unknown_model_names_list_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="Unknown backend/model 'x'") as err:
        parse_settings(_raw()).model("x")
    assert err.value.hint == "Choose one of: a."


@pytest.mark.parametrize(
    ("planner", "uses_model"),
    [
        (PlannerSettings(), True),  # cues decide, the model adapts
        (PlannerSettings(adapt_mode="off"), False),
        (PlannerSettings(intent_mode="hybrid", adapt_mode="off"), True),
        (PlannerSettings(request_mode="model", adapt_mode="off"), True),
    ],
)
def test_uses_model(planner: PlannerSettings, uses_model: bool) -> None:
    assert planner.uses_model is uses_model


def test_upload_limit_in_bytes() -> None:
    assert Limits(max_upload_mb=1.5).max_upload_bytes == 1_572_864
