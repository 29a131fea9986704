"""The sidebar every page shares: which model plans the analysis, and what table is loaded."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from autoviz_core.config import load_settings
from autoviz_core.errors import AutoVizError
from ui import state
from ui.backend import BackendChoice, get_backend, model_status, served_models

CHOICE = "backend_choice"  # session key: the BackendChoice the pages plan with
LOADED = "backend_loaded"  # session key: the choice this session last loaded
STATUS_COLOR = {"ready": "green", "model missing": "orange", "library missing": "orange"}


def backend_picker() -> BackendChoice:
    """Dropdown of the config.yaml entries with their status; URL and model fields for vLLM."""
    settings = load_settings()
    names = list(settings.models)

    def label(name: str) -> str:
        status = model_status(name, None, None)
        return f"{settings.models[name].display_name} · {status.status}"

    name = st.selectbox(
        "Model",
        names,
        index=names.index(settings.default_model),
        format_func=label,
        key="backend_name",
        help="The model that reads your question. The analysis itself is always done by pandas.",
    )
    entry = settings.models[name]
    choice = BackendChoice(name)
    if entry.backend == "vllm":
        choice = _vllm_fields(name, entry.url or "", entry.model or "auto")
    status = model_status(*choice.key)
    st.badge(status.status, color=STATUS_COLOR.get(status.status, "red"))  # type: ignore[arg-type]
    st.caption(settings.models[name].display_name)
    if not status.usable:
        st.caption(status.detail)
    elif state.get(LOADED) != choice.key:
        try:
            get_backend(choice)
            st.session_state[LOADED] = choice.key
        except AutoVizError as exc:
            st.error(f"{exc.message} {exc.hint}".strip())
    st.session_state[CHOICE] = choice
    return choice


def _vllm_fields(name: str, default_url: str, default_model: str) -> BackendChoice:
    url = st.text_input("Server URL", value=default_url, key=f"vllm_url:{name}").strip()
    served = served_models(url) if url else []
    options = list(dict.fromkeys(["auto", default_model, *served]))
    model = st.selectbox(
        "Served model",
        options,
        index=options.index(default_model),
        key=f"vllm_model:{name}",
        help="'auto' uses the first model the server serves.",
    )
    if served:
        st.caption(f"The server serves: {', '.join(served)}")
    return BackendChoice(name, url or None, model)


def table_summary() -> None:
    table = state.get(state.TABLE)
    profile = state.get(state.PROFILE)
    if table is None or profile is None:
        st.caption("No table loaded yet.")
        return
    st.markdown(f"**{table.name}**")
    st.caption(f"{profile.n_rows:,} rows × {profile.n_columns} columns")
    roles = Counter(c.role for c in profile.columns)
    st.caption(" · ".join(f"{n} {role}" for role, n in sorted(roles.items())))
    if table.warnings:
        st.caption(f":material/warning: {len(table.warnings)} note(s) from loading — see Upload.")


def render() -> BackendChoice:
    with st.sidebar:
        st.subheader("Model")
        choice = backend_picker()
        st.divider()
        st.subheader("Table")
        table_summary()
    return choice
