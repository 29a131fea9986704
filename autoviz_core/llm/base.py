"""The one protocol every model backend implements, and the shared types and helpers it uses."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypedDict, runtime_checkable

from pydantic import BaseModel, ValidationError

from autoviz_core.contracts import contract_json_schema
from autoviz_core.errors import BackendError

# The last property opened and never closed: `, "rationale": "text...` up to the end.
_OPEN_RATIONALE = re.compile(r',\s*"rationale"\s*:\s*"(?=(?:[^"\\]|\\.)*\\?\Z)', re.DOTALL)

Role = Literal["system", "user", "assistant"]
# How JSON is obtained from a backend (cf. instructor's Mode): a GBNF grammar in-process,
# an OpenAI json_schema response_format on a server, or prompt + extract + validate + re-ask.
Strategy = Literal["gbnf", "json_schema", "prompt_validate"]
DEFAULT_MAX_TOKENS = 200
# Greedy decoding of a small model loops inside free strings ("1000000...", "ratio_ratio_...")
# until max_tokens. A mild penalty ends the loop: measured on SmolLM2-135M with the request and
# adaptation contracts, 2 of 6 valid at 1.0, 5 of 6 at 1.1, in 25% less time. Structural tokens
# are unaffected where the grammar allows only one.
DEFAULT_REPEAT_PENALTY = 1.1


class Message(TypedDict):
    """One chat message, as every backend takes it."""

    role: Role
    content: str


@dataclass
class Generation:
    """A validated model answer with its raw text, timings (ms, tokens, tokens/s) and attempts."""

    value: BaseModel
    raw: str
    timings: dict[str, float] = field(default_factory=dict)
    attempts: int = 1
    repaired: str = ""  # what was repaired in `raw` to get `value`, e.g. a cut-off rationale


@runtime_checkable
class Backend(Protocol):
    """A model that answers chat messages with an object of a Pydantic contract."""

    name: str
    strategy: Strategy

    def generate(
        self,
        messages: list[Message],
        contract: type[BaseModel],
        *,
        max_tokens: int | None = None,
    ) -> Generation:
        """Answer `messages` with a `contract` object; BackendError when it never validates."""
        ...

    def info(self) -> dict[str, Any]:
        """Model name/path, served model, context length: what the UI and logs show."""
        ...

    def close(self) -> None:
        """Free the model or connection; the backend is unusable afterwards."""
        ...


def schema_text(contract: type[BaseModel]) -> str:
    """The contract's portable JSON schema as text, in field order.

    Field order matters: grammars emit properties in schema order, and the contracts put
    decision fields first and the rationale last (sorted keys would put "rationale" mid-object).
    """
    return json.dumps(contract_json_schema(contract), ensure_ascii=False)


_CONTROL = re.compile(r"[\x00-\x1f]")


def validate_output(contract: type[BaseModel], raw: str) -> tuple[BaseModel | None, str]:
    """Validate decoded text with the contract: (object, "") or (None, a short error message).

    Raw control characters become spaces first: outside strings they are JSON whitespace
    already, inside a string (a model's newline in a rationale) they would only break parsing.
    """
    try:
        return contract.model_validate_json(_CONTROL.sub(" ", raw)), ""
    except ValidationError as exc:
        return None, validation_message(exc)


def validate_or_salvage(contract: type[BaseModel], raw: str) -> tuple[BaseModel | None, str, str]:
    """Validate; if the text was cut off inside the closing rationale, close it and validate.

    Only the rationale is ever completed: contracts put it last so that every decision is
    decoded before it, and a rationale is bounded text, so closing it changes no decision.
    Returns (object or None, error, repair note).
    """
    value, error = validate_output(contract, raw)
    if value is not None:
        return value, "", ""
    closed = close_cut_rationale(raw)
    if closed is not None:
        salvaged, _ = validate_output(contract, closed)
        if salvaged is not None:
            return salvaged, "", "closed a rationale cut off at max_tokens"
    return None, error, ""


def close_cut_rationale(raw: str) -> str | None:
    """`raw` + '"}' when it ends inside the top-level "rationale" string, else None."""
    match = _OPEN_RATIONALE.search(raw)
    if match is None:
        return None
    try:
        head = json.loads(raw[: match.start()].rstrip().rstrip(",") + "}")
    except ValueError:
        return None
    if not isinstance(head, dict):
        return None
    text = raw[match.end() :]
    if (len(text) - len(text.rstrip("\\"))) % 2:  # drop a dangling escape character
        text = text[:-1]
    return raw[: match.end()] + text + '"}'


def validation_message(exc: ValidationError, limit: int = 3) -> str:
    """The first few validation errors on one line, e.g. "x: Input should be 'a' or 'b'"."""
    parts = []
    for err in exc.errors()[:limit]:
        where = ".".join(str(p) for p in err["loc"]) or "output"
        parts.append(f"{where}: {err['msg']}")
    more = exc.error_count() - limit
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def repair_messages(messages: list[Message], raw: str, error: str) -> list[Message]:
    """The conversation plus the invalid answer and a request to correct it (system prompt kept first)."""
    shown = raw.strip()[:1500] or "(empty answer)"
    return [
        *messages,
        {"role": "assistant", "content": shown},
        {
            "role": "user",
            "content": (
                f"That answer is not valid: {error}. Reply with only the corrected JSON object, "
                "keeping it short."
            ),
        },
    ]


def invalid_output_error(backend: str, attempts: int, error: str, raw: str) -> BackendError:
    """The error raised when no attempt produced a valid object (never a silent default)."""
    snippet = " ".join(raw.split())[:160]
    return BackendError(
        f"{backend}: the model's answer did not match the contract after {attempts} attempt(s): "
        f"{error}. Last answer: {snippet!r}",
        "Try again, rephrase the question, or choose a larger model in the sidebar.",
    )


def repeat_penalty(settings: Any) -> float:
    """The model entry's `repeat_penalty` (an extra key in config.yaml), else 1.1."""
    value = getattr(settings, "repeat_penalty", None)
    return float(value) if value is not None else DEFAULT_REPEAT_PENALTY


def resolve_max_tokens(requested: int | None, default: int | None) -> int:
    """The completion budget: the call's value capped by the configured one, else 200."""
    value = min(requested, default) if requested and default else requested or default
    value = value or DEFAULT_MAX_TOKENS
    if value < 1:
        raise BackendError(f"max_tokens must be positive, got {value}.")
    return value


class Stopwatch:
    """Milliseconds since construction, for the timings dict."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    def ms(self) -> float:
        return round((time.perf_counter() - self.start) * 1000.0, 1)


def rate(tokens: float, ms: float) -> float:
    """Tokens per second, 0 when nothing was timed."""
    return round(tokens * 1000.0 / ms, 1) if ms > 0 else 0.0
