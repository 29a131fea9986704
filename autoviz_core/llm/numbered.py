"""A numbered choice for a model without a grammar (gpt4all): the options are numbered in the
question, the answer is one number. A small model writes a valid JSON plan change almost never
(105 of 107 dev questions), but it can name one of a few numbered options in one token, and a
number is checked by reading it, with no JSON to repair. The wording is data (numbered.yaml)."""

from __future__ import annotations

import re
import typing
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from autoviz_core.contracts import NUMBERED_CHOICE
from autoviz_core.data_files import read_yaml

PROMPTS_FILE = Path(__file__).with_name("numbered.yaml")
# A digit, perhaps after "Option" or "I choose"; generation stops at the first digit, so the
# budget only bounds an answer that never names one.
MAX_TOKENS = 8
_NUMBER = re.compile(r"\d+")


@lru_cache(maxsize=1)
def _prompts() -> dict[str, str]:
    return dict(read_yaml(PROMPTS_FILE))


def is_numbered(contract: type[BaseModel]) -> bool:
    """The contract asks for one of a few numbered options (contracts.numbered_choice_contract)."""
    return contract.__name__ == NUMBERED_CHOICE


def option_count(contract: type[BaseModel]) -> int:
    """How many options the numbered contract allows (its enum "1".."n")."""
    field = contract.model_fields["number"]
    return len(typing.get_args(field.annotation))


def option_lines(labels: Sequence[str]) -> str:
    """The options as the question lists them: "1. first", "2. second", ..."""
    return "\n".join(f"{number}. {label}" for number, label in enumerate(labels, start=1))


def instruction(count: int) -> str:
    """The line that ends a numbered question."""
    return _prompts()["instruction"].format(count=count)


def correction(count: int) -> str:
    """The re-ask after an answer that names no option."""
    return _prompts()["correction"].format(count=count)


def answer_prefix() -> str:
    """The start of the answer, written for the model (a backend that can prefill one)."""
    return _prompts()["answer_prefix"]


def has_number(text: str) -> bool:
    """The answer so far holds a number (generation can stop)."""
    return _NUMBER.search(text) is not None


def parse_number(text: str, count: int) -> int | None:
    """The option the answer names: its first number, when it is one of 1..count."""
    found = _NUMBER.search(text)
    if found is None:
        return None
    number = int(found.group())
    return number if 1 <= number <= count else None
