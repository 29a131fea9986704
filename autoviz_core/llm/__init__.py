"""Model backends behind one protocol: llama.cpp (GBNF), vLLM (json_schema), gpt4all (prompt)."""

import atexit
import sys

from autoviz_core.llm.base import Backend, Generation, Message, OnProgress, Progress, Strategy
from autoviz_core.llm.factory import STRATEGIES, create_backend
from autoviz_core.llm.health import ModelStatus, check_model, doctor_report

__all__ = [
    "STRATEGIES",
    "Backend",
    "Generation",
    "Message",
    "ModelStatus",
    "OnProgress",
    "Progress",
    "Strategy",
    "check_model",
    "create_backend",
    "doctor_report",
]


def close_library_files() -> None:
    """Close the two /dev/null files llama-cpp-python opens when imported (to silence model
    loading) and never closes: Python reported them as a stray ResourceWarning at the end of
    every run that used the embedded model. Nothing is imported here."""
    utils = sys.modules.get("llama_cpp._utils")
    for name in ("outnull_file", "errnull_file"):
        handle = getattr(utils, name, None)
        if handle is not None:
            handle.close()


atexit.register(close_library_files)  # whoever imports llama_cpp, it does so through llm/
