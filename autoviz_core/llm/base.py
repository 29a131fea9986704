"""The one protocol every model backend implements, the one retry loop they all run
(generate_validated, through BackendBase.generate), and the shared types and helpers."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypedDict, runtime_checkable

from pydantic import BaseModel, ValidationError

from autoviz_core.config import Limits, ModelSettings
from autoviz_core.contracts import contract_json_schema
from autoviz_core.errors import BackendError, ModelCancelled, ModelTimeout
from autoviz_core.llm.json_extract import first_json_object

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
LOCK_POLL_S = 0.1  # how often a caller queued for a model checks its cancel event and deadline


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


@dataclass(frozen=True)
class Progress:
    """Where a running model call stands: what a caller shows as "model call: 12 s, 85 tokens"."""

    elapsed_s: float
    tokens: int  # completion tokens (streamed pieces) so far, all attempts together
    attempt: int  # 1 = the first answer, 2 = the first re-ask, ...


OnProgress = Callable[[Progress], None]


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
        timeout_s: float | None = None,
        on_progress: OnProgress | None = None,
        cancel: threading.Event | None = None,
    ) -> Generation:
        """Answer `messages` with a `contract` object.

        `max_tokens` is capped by the configured budget, `timeout_s` by the configured time
        limit (limits.llm_timeout_s), which bounds every attempt together. `on_progress` is
        called from the generating thread as each token arrives (and when an attempt starts);
        it must return quickly. Setting `cancel` stops the call at the next token (or while it
        waits for the model). Raises ModelTimeout, ModelCancelled, or BackendError when the
        answer never validates or the backend fails.
        """
        ...

    def info(self) -> dict[str, Any]:
        """Model name/path, served model, context length: what the UI and logs show."""
        ...

    def close(self) -> None:
        """Free the model or connection; the backend is unusable afterwards."""
        ...


class CallControl:
    """The bounds of one generate() call while it runs: deadline, cancel event, progress.

    Backends call `token()` for each piece they stream and `check()` wherever they can stop;
    both raise ModelTimeout or ModelCancelled once the call has to end. Where a backend cannot
    raise (inside a native callback) it asks `stop_error()` and stops generating instead.
    The time limit counts from the call's start, or, for a model that serves one call at a
    time, from when the model starts on it (ModelLock): queueing behind other callers is
    bounded by their limits and can be cancelled, but does not use this call's time.
    """

    def __init__(
        self,
        backend: str,
        time_limit_s: float,
        *,
        cancel: threading.Event | None = None,
        on_progress: OnProgress | None = None,
    ) -> None:
        self.backend = backend
        self.time_limit_s = time_limit_s
        self.cancel = cancel
        self.on_progress = on_progress
        self.started = time.perf_counter()
        self._limit_from = self.started
        self._clock_moved = False
        self.tokens = 0
        self.attempt = 0

    def elapsed_s(self) -> float:
        """Seconds since the call was made (queueing included): what the caller waited."""
        return time.perf_counter() - self.started

    def elapsed_ms(self) -> float:
        return round(self.elapsed_s() * 1000.0, 1)

    def start_clock(self) -> None:
        """The model starts on this call now: the time limit counts from here (once)."""
        if not self._clock_moved:
            self._limit_from = time.perf_counter()
            self._clock_moved = True

    def remaining_s(self) -> float:
        return max(0.0, self.time_limit_s - (time.perf_counter() - self._limit_from))

    def cancelled_error(self) -> ModelCancelled | None:
        if self.cancel is not None and self.cancel.is_set():
            return ModelCancelled(
                f"{self.backend}: the model call was cancelled after {self.elapsed_s():.1f} s "
                f"({self.tokens} tokens).",
            )
        return None

    def stop_error(self) -> BackendError | None:
        """The error that ends the call now (cancelled, out of time), or None to go on."""
        cancelled = self.cancelled_error()
        if cancelled is not None:
            return cancelled
        if self.remaining_s() <= 0.0:
            return self.timeout_error()
        return None

    def timeout_error(self) -> ModelTimeout:
        return ModelTimeout(
            f"{self.backend}: the model call timed out after {self.time_limit_s:g} s "
            f"({self.attempt} attempt(s), {self.tokens} tokens).",
            "Raise limits.llm_timeout_s in config.yaml, or choose a faster model.",
        )

    def check(self) -> None:
        """Raise ModelCancelled / ModelTimeout when the call has to end."""
        error = self.stop_error()
        if error is not None:
            raise error

    def start_attempt(self, attempt: int) -> None:
        self.check()
        self.attempt = attempt
        self._report()

    def token(self, count: int = 1) -> None:
        """Count streamed tokens, report progress, and stop the call if it has to end."""
        self.tokens += count
        self.check()
        self._report()

    def _report(self) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(round(self.elapsed_s(), 2), self.tokens, self.attempt))


Ask = Callable[[list[Message], CallControl], tuple[str, dict[str, float]]]
Reask = Callable[[list[Message], str, str], list[Message]]


def generate_validated(
    ask: Ask,
    messages: list[Message],
    contract: type[BaseModel],
    control: CallControl,
    *,
    strategy: Strategy,
    attempts: int,
    reask: Reask | None = None,
) -> Generation:
    """The one loop every backend runs: ask, validate, re-ask with the error, within bounds.

    `ask` sends a conversation and returns (raw text, timings); the backend's only jobs are to
    shape that request and parse the reply. Here, once for all backends: the first JSON object
    is extracted where no grammar shaped the text (prompt_validate), a rationale cut off at
    max_tokens is closed, an invalid answer is re-asked quoting the validation error (`reask`
    builds the next conversation from the original messages, the answer and the error; default
    `repair_messages`), at most `attempts` answers and never past the control's deadline. Only
    invalid answers are re-asked: transport errors, timeouts and cancellation end the call.
    """
    reask = reask or repair_messages
    conversation = list(messages)
    raw, error = "", ""
    for attempt in range(1, attempts + 1):
        control.start_attempt(attempt)
        raw, timings = ask(conversation, control)
        text = (first_json_object(raw) or raw) if strategy == "prompt_validate" else raw
        value, error, repaired = validate_or_salvage(contract, text)
        if value is not None:
            timings = {**timings, "total_ms": control.elapsed_ms()}
            return Generation(value, raw, timings, attempt, repaired)
        conversation = reask(messages, raw, error)
    raise invalid_output_error(control.backend, attempts, error, raw)


class BackendBase:
    """What every backend shares: its settings and bounds, and generate() itself.

    A subclass implements `_generate` by shaping one request (`ask`) and handing it to
    `validated()`, which runs generate_validated with the backend's strategy and retries.
    """

    strategy: Strategy

    def __init__(self, settings: ModelSettings, limits: Limits | None = None) -> None:
        limits = limits or Limits()
        self.name = settings.name
        self.settings = settings
        # config.yaml's budget, unless the model entry sets its own
        self.default_max_tokens = settings.max_tokens or limits.llm_max_tokens
        self.time_limit_s = limits.llm_timeout_s

    def generate(
        self,
        messages: list[Message],
        contract: type[BaseModel],
        *,
        max_tokens: int | None = None,
        timeout_s: float | None = None,
        on_progress: OnProgress | None = None,
        cancel: threading.Event | None = None,
    ) -> Generation:
        """See Backend.generate; a call's own limits never exceed the configured ones."""
        budget = resolve_max_tokens(max_tokens, self.default_max_tokens)
        limit = min(timeout_s, self.time_limit_s) if timeout_s else self.time_limit_s
        control = CallControl(self.name, limit, cancel=cancel, on_progress=on_progress)
        return self._generate(messages, contract, budget, control)

    def _generate(
        self, messages: list[Message], contract: type[BaseModel], budget: int, control: CallControl
    ) -> Generation:
        raise NotImplementedError

    def validated(
        self,
        ask: Ask,
        messages: list[Message],
        contract: type[BaseModel],
        control: CallControl,
        reask: Reask | None = None,
    ) -> Generation:
        attempts = 1 + max(0, self.settings.max_retries)
        return generate_validated(
            ask, messages, contract, control, strategy=self.strategy, attempts=attempts, reask=reask
        )


class ModelLock:
    """One call at a time on an in-process model (a Llama or GPT4All object is not thread-safe).

    Callers queue for it, counted for the UI (`waiting`); a queued caller stops when its call
    is cancelled. The call's time limit starts once it holds the model.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting = 0
        self._count_lock = threading.Lock()

    @property
    def waiting(self) -> int:
        """How many callers wait for the model (not counting the one being served)."""
        with self._count_lock:
            return self._waiting

    @contextlib.contextmanager
    def hold(self, control: CallControl) -> Iterator[None]:
        with self._count_lock:
            self._waiting += 1
        try:
            while not self._lock.acquire(timeout=LOCK_POLL_S):
                cancelled = control.cancelled_error()
                if cancelled is not None:
                    raise cancelled
        finally:
            with self._count_lock:
                self._waiting -= 1
        try:
            control.start_clock()
            yield
        finally:
            self._lock.release()

    def __enter__(self) -> None:
        """Plain exclusive use, e.g. to close the model once the running call ends."""
        self._lock.acquire()

    def __exit__(self, *_exc_info: object) -> None:
        self._lock.release()


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
