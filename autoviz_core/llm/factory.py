"""Build the backend a config.yaml model entry names; switching backends needs only config.yaml."""

from __future__ import annotations

from collections.abc import Callable

from autoviz_core.config import Limits, ModelSettings, Settings, load_settings
from autoviz_core.errors import ConfigError
from autoviz_core.llm.base import Backend, Strategy

# backend kind -> the strategy it uses (one place answers "how is JSON obtained from X").
STRATEGIES: dict[str, Strategy] = {
    "llama.cpp": "gbnf",
    "vllm": "json_schema",
    "gpt4all": "prompt_validate",
}


def _llamacpp(settings: ModelSettings, limits: Limits) -> Backend:
    from autoviz_core.llm.llamacpp import LlamaCppBackend

    return LlamaCppBackend.from_settings(settings, limits)


def _vllm(settings: ModelSettings, limits: Limits) -> Backend:
    from autoviz_core.llm.vllm import VLLMBackend

    return VLLMBackend.from_settings(settings, limits)


def _gpt4all(settings: ModelSettings, limits: Limits) -> Backend:
    from autoviz_core.llm.gpt4all import GPT4AllBackend

    return GPT4AllBackend.from_settings(settings, limits)


# Imported lazily: a missing gpt4all must not stop the llama.cpp backend from loading.
BUILDERS: dict[str, Callable[[ModelSettings, Limits], Backend]] = {
    "llama.cpp": _llamacpp,
    "vllm": _vllm,
    "gpt4all": _gpt4all,
}


def create_backend(name: str | None = None, settings: Settings | None = None) -> Backend:
    """The backend of model entry `name` (default entry when None), loaded and ready.

    Every call is bounded by config.yaml's limits: llm_max_tokens completion tokens and
    llm_timeout_s seconds for all its attempts together (each request's own timeout too).

    Raises ConfigError for an unknown entry or backend kind, ModelUnavailableError when the
    library, model file or server is missing.
    """
    settings = settings or load_settings()
    model = settings.model(name)
    builder = BUILDERS.get(model.backend)
    if builder is None:
        known = ", ".join(BUILDERS)
        raise ConfigError(
            f"Unsupported backend: {model.backend!r} (model {model.name!r}).",
            f"Use one of: {known}.",
        )
    timeout_capped = model.model_copy(
        update={"timeout": min(model.timeout, settings.limits.llm_timeout_s)}
    )
    return builder(timeout_capped, settings.limits)
