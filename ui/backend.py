"""The model backend shared by every session, cached by the sidebar choice, plus cheap status checks.

One backend is alive at a time (max_entries=1): choosing another entry builds the new one and the
cache releases (closes) the old one. The embedded llama.cpp model serialises calls with its own
lock, so sessions share it safely and the UI can show how many callers wait
(autoviz_core.llm.watched.queue_depth).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import requests
import streamlit as st

from autoviz_core.config import Settings, load_settings
from autoviz_core.llm import factory, health
from autoviz_core.llm.base import Backend

SERVER_PROBE_TIMEOUT_S = 2.0
DEGRADED_FOR_S = 600.0  # a failed call marks the backend degraded this long (or until one works)


@dataclass(frozen=True)
class BackendChoice:
    """What the sidebar selected: a config.yaml entry, and for vLLM the URL and model typed in."""

    name: str
    url: str | None = None
    model: str | None = None

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return (self.name, self.url, self.model)


def settings_for(choice: BackendChoice, settings: Settings | None = None) -> Settings:
    """The settings with the chosen entry's URL/model replaced by what the sidebar says."""
    settings = settings or load_settings()
    if choice.url is None and choice.model is None:
        return settings
    entry = settings.model(choice.name)
    update = {k: v for k, v in (("url", choice.url), ("model", choice.model)) if v}
    models = {**settings.models, choice.name: entry.model_copy(update=update)}
    return settings.model_copy(update={"models": models})


def _release(backend: Backend) -> None:
    # Closed in the background: a model call abandoned at its time limit (or cancelled) may
    # still hold the model's lock, and choosing another model must not wait for it.
    threading.Thread(target=backend.close, name="autoviz-release", daemon=True).start()


@st.cache_resource(max_entries=1, on_release=_release, show_spinner="Loading the model…")
def _cached_backend(name: str, url: str | None, model: str | None, _settings: Settings) -> Backend:
    # Looked up on the module so tests can replace the factory with a stub.
    return factory.create_backend(name, _settings)


def get_backend(choice: BackendChoice) -> Backend:
    """The loaded backend for `choice` (shared across sessions). Raises AutoVizError subclasses."""
    return _cached_backend(choice.name, choice.url, choice.model, settings_for(choice))


@st.cache_data(ttl=20, show_spinner=False)
def model_status(name: str, url: str | None, model: str | None) -> health.ModelStatus:
    """check_model for the entry as the sidebar configured it; re-checked every 20 s."""
    return health.check_model(name, settings_for(BackendChoice(name, url, model)))


@st.cache_data(ttl=20, show_spinner=False)
def served_models(url: str, api_key: str = "") -> list[str]:
    """The model ids an OpenAI-compatible server serves (GET {url}/v1/models); [] if none answer."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        response = requests.get(
            f"{url.rstrip('/')}/v1/models", headers=headers, timeout=SERVER_PROBE_TIMEOUT_S
        )
        response.raise_for_status()
        return [str(m["id"]) for m in response.json().get("data", [])]
    except (requests.RequestException, ValueError, KeyError, TypeError, AttributeError):
        return []


# ---------------------------------------------------------------- recent failures (all sessions)
@dataclass(frozen=True)
class Failure:
    at: float  # time.time()
    message: str


# Backend name -> its last failed call. Module state, shared by every session like the backends
# (imported modules live once per server process); written from planning worker threads.
_FAILURES: dict[str, Failure] = {}
_FAILURES_LOCK = threading.Lock()


def _failures() -> tuple[dict[str, Failure], threading.Lock]:
    return _FAILURES, _FAILURES_LOCK


def record_failure(name: str, message: str) -> None:
    """Called from worker threads when a model call gave no usable answer."""
    failures, lock = _failures()
    with lock:
        failures[name] = Failure(time.time(), message)


def record_success(name: str) -> None:
    failures, lock = _failures()
    with lock:
        failures.pop(name, None)


def recent_failure(name: str) -> Failure | None:
    """The backend's last failure if it is recent and no call has worked since."""
    failures, lock = _failures()
    with lock:
        failure = failures.get(name)
    if failure is None or time.time() - failure.at > DEGRADED_FOR_S:
        return None
    return failure
