"""Streamlit helpers shared by the pages: session state, the sidebar, the backend cache, plan editing.

Nothing here analyses data; it only holds, shows and edits what autoviz_core produces.
"""
