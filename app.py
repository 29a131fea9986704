"""AutoViz: upload a table, ask a question, review the plan, see the answer.

Run with `streamlit run app.py`. The pages only show and collect things; every analysis stage
lives in autoviz_core and is the same one the headless CLI runs.
"""

from __future__ import annotations

import streamlit as st

import autoviz_core.pipeline  # noqa: F401  (the engine, imported before the objects are settled)
from autoviz_core.runtime.startup import settle_after_imports

settle_after_imports()
st.set_page_config(page_title="AutoViz", page_icon=":material/insights:", layout="wide")

PAGES = [
    st.Page("pages/upload.py", title="Upload", icon=":material/upload_file:", default=True),
    st.Page("pages/question.py", title="Question", icon=":material/chat:"),
    st.Page("pages/plan.py", title="Plan review", icon=":material/fact_check:"),
    st.Page("pages/results.py", title="Results", icon=":material/insights:"),
]

# Each page draws the shared sidebar itself (ui.sidebar.render) so that it is part of the page's
# own run; AppTest 1.67 loses elements drawn in app.py before navigation.run() on reruns.
st.navigation(PAGES).run()
