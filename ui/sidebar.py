"""The sidebar every page shares: which model plans the analysis, and what table is loaded."""

from __future__ import annotations

from collections import Counter
from typing import Any

import streamlit as st

from autoviz_core.config import load_settings
from autoviz_core.errors import AutoVizError
from ui import state
from ui.backend import BackendChoice, get_backend, model_status, recent_failure, served_models
from ui.wording import md_text

CHOICE = "backend_choice"  # session key: the BackendChoice the pages plan with
LOADED = "backend_loaded"  # session key: the choice this session last loaded
PICKER = "backend_name"  # the model radio's widget key (its value survives navigation)
STATUS_COLOR = {"ready": "green", "model missing": "orange", "library missing": "orange"}


def backend_picker() -> BackendChoice:
    """The config.yaml entries with their status; URL and model fields for vLLM.

    A radio, not a dropdown: entry names and their status wrap instead of being cut off.
    """
    settings = load_settings()
    names = list(settings.models)
    statuses = {n: model_status(*_entry_choice(n, settings).key) for n in names}
    state.keep(PICKER, settings.default_model)
    if st.session_state[PICKER] not in names:
        st.session_state[PICKER] = settings.default_model
    name = st.radio(
        "Model",
        names,
        label_visibility="collapsed",
        format_func=lambda n: settings.models[n].display_name,
        captions=[_status_words(n, statuses[n].status) for n in names],
        key=PICKER,
        on_change=state.remember,
        args=(PICKER,),
        help="The model that reads your question. The analysis itself is always done by pandas.",
    )
    state.remember(PICKER)
    entry = settings.models[name]
    choice = BackendChoice(name)
    if entry.backend == "vllm":
        choice = _vllm_fields(name, entry.url or "", entry.model or "auto")
    status = model_status(*choice.key)
    failure = recent_failure(name)
    if failure is not None and status.usable:
        st.badge("degraded", color="orange", icon=":material/warning:")
        st.caption(f"Its last call failed: {md_text(failure.message[:160])}")
    else:
        st.badge(status.status, color=STATUS_COLOR.get(status.status, "red"))  # type: ignore[arg-type]
    if not status.usable:
        st.caption(md_text(status.detail))
    elif state.get(LOADED) != choice.key:
        try:
            get_backend(choice)
            st.session_state[LOADED] = choice.key
        except AutoVizError as exc:
            st.error(md_text(f"{exc.message} {exc.hint}".strip()))
    st.session_state[CHOICE] = choice
    return choice


def _entry_choice(name: str, settings: Any) -> BackendChoice:
    """An entry as the sidebar last configured it (a vLLM URL typed earlier included)."""
    if settings.models[name].backend != "vllm":
        return BackendChoice(name)
    return BackendChoice(
        name, state.kept(f"vllm_url:{name}") or None, state.kept(f"vllm_model:{name}") or None
    )


def _status_words(name: str, status: str) -> str:
    return (
        "degraded: its last call failed" if recent_failure(name) and status == "ready" else status
    )


def _vllm_fields(name: str, default_url: str, default_model: str) -> BackendChoice:
    url_key, model_key = f"vllm_url:{name}", f"vllm_model:{name}"
    state.keep(url_key, default_url)
    url = st.text_input(
        "Server URL", key=url_key, on_change=state.remember, args=(url_key,)
    ).strip()
    state.remember(url_key)
    served = served_models(url) if url else []
    options = list(dict.fromkeys(["auto", default_model, *served]))
    state.keep(model_key, default_model)
    if st.session_state[model_key] not in options:
        st.session_state[model_key] = default_model
    model = st.selectbox(
        "Served model",
        options,
        key=model_key,
        on_change=state.remember,
        args=(model_key,),
        help="'auto' uses the first model the server serves.",
    )
    state.remember(model_key)
    if served:
        st.caption(f"The server serves: {md_text(', '.join(served))}")
    return BackendChoice(name, url or None, model)


def table_summary() -> None:
    table = state.get(state.TABLE)
    profile = state.get(state.PROFILE)
    if table is None or profile is None:
        st.caption("No table loaded yet.")
        return
    st.markdown(f"**{md_text(table.name)}**")
    st.caption(f"{profile.n_rows:,} rows × {profile.n_columns} columns")
    roles = Counter(c.role for c in profile.columns)
    st.caption(" · ".join(f"{n} {role}" for role, n in sorted(roles.items())))
    if table.warnings:
        st.caption(f":material/warning: {len(table.warnings)} note(s) from loading — see Upload.")


def thread_summary() -> None:
    """The questions asked in this thread, the open one marked (reopen them on Question)."""
    from ui import thread

    open_version = thread.current()
    for version in thread.versions():
        mark = ":material/arrow_right:" if version is open_version else ""
        st.caption(f"{mark} {md_text(version.label)}".strip())


def render() -> BackendChoice:
    with st.sidebar:
        st.subheader("Model")
        choice = backend_picker()
        st.divider()
        st.subheader("Table")
        table_summary()
        if state.get(state.THREAD):
            st.divider()
            st.subheader("Questions")
            thread_summary()
    return choice
