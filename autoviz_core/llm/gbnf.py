"""The GBNF grammar of a contract, as llama.cpp decodes it: what a llama-server is sent and what the
committed `schemas/*.gbnf` files show. It lives with the backends so that no backend reaches into
the planner or the schema build step to get it."""

from __future__ import annotations

from pydantic import BaseModel

from autoviz_core.llm.base import schema_text


def contract_gbnf(contract: type[BaseModel]) -> str:
    """llama-cpp-python's GBNF for the contract's portable JSON schema (field order kept)."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    return json_schema_to_gbnf(schema_text(contract))
