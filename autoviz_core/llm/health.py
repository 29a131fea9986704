"""Cheap readiness checks of each configured model, without loading it (doctor and sidebar)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Literal

import requests

from autoviz_core.config import ModelSettings, Settings
from autoviz_core.errors import AutoVizError
from autoviz_core.llm.embedded import resolve_model_path

Status = Literal["ready", "model missing", "library missing", "server unreachable", "error"]
SERVER_PROBE_TIMEOUT_S = 2.0
# backend kind -> (import name, pip requirement)
LIBRARIES: dict[str, tuple[str, str]] = {
    "llama.cpp": (
        "llama_cpp",
        'CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install llama-cpp-python==0.3.36',
    ),
    "gpt4all": ("gpt4all", "pip install gpt4all==2.8.2"),
    "vllm": ("requests", "pip install requests"),
}


@dataclass(frozen=True)
class ModelStatus:
    """Whether a model entry can be used now, and if not, why in words."""

    name: str
    label: str
    backend: str
    usable: bool
    status: Status
    detail: str


def check_model(name: str, settings: Settings) -> ModelStatus:
    """Check one model entry: library importable, GGUF present and valid, or server answering."""
    model = settings.model(name)

    def status(state: Status, detail: str) -> ModelStatus:
        return ModelStatus(
            model.name, model.display_name, model.backend, state == "ready", state, detail
        )

    library = LIBRARIES.get(model.backend)
    if library is None:
        return status("error", f"Unsupported backend {model.backend!r}.")
    if importlib.util.find_spec(library[0]) is None:
        return status("library missing", f"{library[0]} is not installed. Run: {library[1]}")
    if model.backend == "vllm":
        return status(*_check_server(model))
    try:
        path = resolve_model_path(model.path)
    except AutoVizError as exc:
        state: Status = "error" if "not a GGUF" in exc.message else "model missing"
        return status(state, str(exc))
    return status("ready", str(path))


def doctor_report(settings: Settings) -> list[ModelStatus]:
    """The status of every configured model entry, in config order."""
    return [check_model(name, settings) for name in settings.models]


def _check_server(model: ModelSettings) -> tuple[Status, str]:
    """GET /v1/models within ~2 s; is the configured model among the served ones?"""
    url = (model.url or "").rstrip("/")
    if not url:
        return "error", "No server URL is configured (`url:` in config.yaml)."
    headers = {"Authorization": f"Bearer {model.api_key}"} if model.api_key else {}
    try:
        response = requests.get(
            f"{url}/v1/models",
            headers=headers,
            timeout=SERVER_PROBE_TIMEOUT_S,
            verify=model.verify_ssl,
        )
        response.raise_for_status()
        served = [str(m["id"]) for m in response.json().get("data", [])]
    except requests.RequestException as exc:
        return "server unreachable", f"No answer from {url}/v1/models ({type(exc).__name__})."
    except (ValueError, KeyError, TypeError, AttributeError):
        return "error", f"{url}/v1/models did not return an OpenAI-style model list."
    wanted = model.model or "auto"
    if not served:
        return "model missing", f"The server at {url} serves no model."
    if wanted != "auto" and wanted not in served:
        return "model missing", f"{url} serves {', '.join(served)}, not {wanted}."
    return "ready", f"{url} serves {wanted if wanted != 'auto' else served[0]}."
