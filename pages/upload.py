"""Upload page: load a table (a file or a sample), preview it and show how it was understood."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from autoviz_core.config import load_settings
from autoviz_core.data import profile_table
from autoviz_core.errors import DataLoadError
from autoviz_core.pipeline import SAMPLES, connect_database, load_dataset, open_upload, profile_of
from ui import sidebar, state
from ui.wording import md_text

FILE_TYPES = ["csv", "tsv", "txt", "xlsx", "parquet", "jsonl", "json", "gz", "bz2", "xz"]


def sample_specs() -> dict[str, str]:
    """Sample label -> load_dataset spec: the tables that ship inside plotly."""
    return {f"{name} (plotly sample)": f"plotly:{name}" for name in SAMPLES}


def load_upload(uploaded: st.runtime.uploaded_file_manager.UploadedFile) -> None:
    """Load a newly uploaded file once; on failure keep the previous table and remember why."""
    if uploaded.file_id == state.get(state.UPLOAD_SEEN):
        return  # already loaded (or refused) on an earlier rerun
    st.session_state[state.UPLOAD_SEEN] = uploaded.file_id
    settings = load_settings()
    try:
        # a table too big for the memory budget is written to a file and queried in place
        table = open_upload(uploaded.getvalue(), uploaded.name, settings)
    except DataLoadError as exc:
        st.session_state[state.UPLOAD_ERROR] = (uploaded.file_id, exc.message, exc.hint)
        return
    state.set_table(table, profile_of(table), uploaded.file_id)


def load_sample(label: str) -> None:
    spec = sample_specs()[label]
    try:
        table = load_dataset(spec, load_settings())
    except DataLoadError as exc:
        st.session_state[state.UPLOAD_ERROR] = ("sample", exc.message, exc.hint)
        return
    state.set_table(table, profile_table(table.df), f"sample:{label}")


def app_secrets() -> dict[str, object]:
    """Streamlit's secrets file as a dict ({} when there is none)."""
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return {}


def load_database(url: str, table_name: str) -> None:
    """Connect read-only to a database table; on failure keep the previous table and say why."""
    try:
        table = connect_database(url, table_name, load_settings(), app_secrets())
    except DataLoadError as exc:
        st.session_state[state.UPLOAD_ERROR] = ("database", exc.message, exc.hint)
        return
    state.set_table(table, profile_of(table), f"database:{table.name}")


def database_panel() -> None:
    with st.expander("Connect to a database", icon=":material/database:"):
        url = st.text_input(
            "Database URL", placeholder="postgresql://reader@localhost:5432/shop", key="db_url"
        )
        name = st.text_input("Table", placeholder="public.orders", key="db_table")
        st.caption(
            "Read-only: AutoViz never writes to it. The analysis runs in the database; only "
            "aggregates and a bounded sample come back. The password comes from the PGPASSWORD "
            "environment variable or `.streamlit/secrets.toml` (`[database]` `password`), "
            "never from this form."
        )
        if st.button("Connect", disabled=not (url and name), key="db_connect"):
            load_database(url, name)


def profile_frame(profile: object) -> pd.DataFrame:
    rows = [
        {
            "column": c.name,
            "role": c.role,
            "type": c.dtype,
            "distinct": c.cardinality,
            "missing": c.missing_share,
            "examples": ", ".join(c.sample_values[:3]),
        }
        for c in profile.columns  # type: ignore[attr-defined]
    ]
    return pd.DataFrame(rows)


def show_table() -> None:
    table = state.get(state.TABLE)
    profile = state.get(state.PROFILE)
    if table is None:
        return
    st.subheader(md_text(table.name))
    st.caption(
        f"{profile.n_rows:,} rows × {profile.n_columns} columns · {table.format} · {profile.shape}"
    )
    for note in table.warnings:
        st.warning(md_text(note), icon=":material/warning:")
    preview, columns = st.tabs(["Preview", "Columns"])
    with preview:
        st.dataframe(table.df.head(50), hide_index=True)
    with columns:
        st.caption(
            "How each column was understood. The role decides which charts and steps fit it."
        )
        st.dataframe(
            profile_frame(profile),
            hide_index=True,
            column_config={
                "missing": st.column_config.ProgressColumn(
                    "missing", format="percent", min_value=0.0, max_value=1.0
                )
            },
        )
    st.page_link("pages/question.py", label="Next: ask a question", icon=":material/chat:")


settings = load_settings()
st.title("Upload a table")
st.caption("CSV, TSV, Excel, Parquet or JSON. Your data stays on this computer.")

left, right = st.columns([3, 2], gap="large")
with left:
    uploaded = st.file_uploader(
        "Your file",
        type=FILE_TYPES,
        max_upload_size=int(settings.limits.max_upload_mb),
        key="upload_file",
    )
    if uploaded is not None:
        load_upload(uploaded)
with right:
    samples = sample_specs()
    label = st.selectbox(
        "…or try a sample table",
        list(samples),
        index=None,
        placeholder="Choose a sample",
        key="sample_choice",
    )
    if st.button("Load sample", disabled=label is None, key="load_sample") and label:
        load_sample(label)
    database_panel()

error = state.get(state.UPLOAD_ERROR)
if error and (uploaded is None or error[0] in (uploaded.file_id, "sample", "database")):
    st.error(f"**{md_text(error[1])}** {md_text(error[2])}".strip())
    if state.get(state.TABLE) is not None:
        st.caption("The table loaded before is still in use.")

show_table()
sidebar.render()  # last, so its table summary already shows a file loaded in this run
