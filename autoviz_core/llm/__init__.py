"""Model backends behind one protocol: llama.cpp (GBNF), vLLM (json_schema), gpt4all (prompt)."""

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
