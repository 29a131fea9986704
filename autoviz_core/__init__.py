"""AutoViz core: everything that runs and is tested without Streamlit."""

__version__ = "0.1.0"
