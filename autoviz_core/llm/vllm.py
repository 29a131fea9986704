"""vLLM (OpenAI-compatible) server backend: the contract's JSON schema goes in response_format
(llama.cpp's server is sent the contract's GBNF grammar instead, as the embedded backend uses)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from typing import Any

import requests
from pydantic import BaseModel

from autoviz_core.config import Limits, ModelSettings
from autoviz_core.contracts import contract_json_schema
from autoviz_core.errors import BackendError, ModelUnavailableError
from autoviz_core.llm.base import (
    BackendBase,
    CallControl,
    Generation,
    Message,
    Stopwatch,
    Strategy,
    rate,
    repeat_penalty,
    schema_text,
)
from autoviz_core.llm.gbnf import contract_gbnf

PROBE_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 5.0
MIN_COMPLETION_TOKENS = 16
START_HINT = "Start the server or change the URL in config.yaml / the sidebar."
# vLLM's context-length rejections over its versions, and what each tells us.
_CONTEXT_MAX = re.compile(r"maximum context length is (\d+) tokens", re.IGNORECASE)
_PROMPT_TOKENS = (
    re.compile(r"\((\d+) in the messages", re.IGNORECASE),
    re.compile(r"requested (\d+) tokens in the messages", re.IGNORECASE),
    re.compile(r"request has (\d+) input tokens", re.IGNORECASE),
    re.compile(r"your messages resulted in (\d+) tokens", re.IGNORECASE),
)


class ServerClient:
    """HTTP to one OpenAI-compatible server: base URL, credentials, and one requests session
    per thread (requests.Session is not guaranteed thread-safe)."""

    def __init__(self, url: str, *, api_key: str = "", verify_ssl: bool = False) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.verify_ssl = verify_ssl
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    def session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.verify = self.verify_ssl
            if self.api_key:
                session.headers["Authorization"] = f"Bearer {self.api_key}"
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        """Close every thread's session (connection pools)."""
        with self._sessions_lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()
        self._local = threading.local()


class VLLMBackend(BackendBase):
    """A model served over /v1/chat/completions with json_schema structured output (xgrammar).

    Answers are streamed, so a call reports progress per token and stops promptly when
    cancelled or out of time (closing the connection stops the server's generation too).
    It takes a ready client and what the server serves; from_settings() probes the server.
    """

    strategy: Strategy = "json_schema"

    def __init__(
        self,
        client: ServerClient,
        settings: ModelSettings,
        limits: Limits | None = None,
        *,
        served_model: str,
        context_length: int | None = None,
        takes_gbnf: bool = False,
    ) -> None:
        super().__init__(settings, limits)
        self.client = client
        self.served_model = served_model
        self.context_length = context_length
        # llama.cpp's server takes the GBNF grammar itself: its own JSON-schema converter lets
        # the model indent the JSON (three times the tokens, and longer answers).
        self._grammars: dict[str, str] | None = {} if takes_gbnf else None
        if takes_gbnf and self.settings.use_grammar:
            self.strategy = "gbnf"

    @classmethod
    def from_settings(cls, settings: ModelSettings, limits: Limits | None = None) -> VLLMBackend:
        """Connect to the configured server and find the model it serves and its context
        length; ModelUnavailableError when the server is not there or does not serve it."""
        url = (settings.url or "").rstrip("/")
        if not url:
            raise ModelUnavailableError(
                f"{settings.name}: no server URL is configured.", START_HINT
            )
        client = ServerClient(url, api_key=settings.api_key, verify_ssl=settings.verify_ssl)
        try:
            models = _probe(client, min(PROBE_TIMEOUT_S, settings.timeout))
            entry = _choose_model(client.url, models, settings.model)
        except ModelUnavailableError:
            client.close()
            raise
        return cls(
            client,
            settings,
            limits,
            served_model=str(entry["id"]),
            context_length=_context_length(client, entry),
            takes_gbnf=entry.get("owned_by") == "llamacpp" and _can_write_gbnf(),
        )

    @property
    def url(self) -> str:
        return self.client.url

    # ------------------------------------------------------------------ protocol
    def _generate(
        self, messages: list[Message], contract: type[BaseModel], budget: int, control: CallControl
    ) -> Generation:
        """POST the messages with the contract's schema; the shared loop validates and re-asks."""
        budget = self._fit_budget(messages, budget)

        def ask(conversation: list[Message], control: CallControl) -> tuple[str, dict]:
            nonlocal budget  # a context-length answer lowers it for the re-asks too
            raw, timings, budget = self._complete(conversation, contract, budget, control)
            return raw, timings

        return self.validated(ask, messages, contract, control)

    def info(self) -> dict[str, Any]:
        """Server URL, the served model and its context length (when the server reports it)."""
        return {
            "backend": "vllm",
            "strategy": self.strategy,
            "url": self.url,
            "model": self.settings.model or "auto",
            "served_model": self.served_model,
            "n_ctx": self.context_length,
        }

    def close(self) -> None:
        """Close the HTTP sessions (connection pools)."""
        self.client.close()

    # ------------------------------------------------------------------ requests
    def _fit_budget(self, messages: list[Message], max_tokens: int) -> int:
        """Cap max_tokens to what fits next to the prompt (estimated at 3 characters a token)."""
        if not self.context_length:
            return max_tokens
        estimate = sum(len(m["content"]) for m in messages) // 3 + 8 * len(messages) + 16
        return max(MIN_COMPLETION_TOKENS, min(max_tokens, self.context_length - estimate))

    def _payload(self, messages: list[Message], contract: type[BaseModel], max_tokens: int) -> dict:
        # Never `guided_json`: vLLM >= 0.12 ignores it and answers unconstrained with HTTP 200.
        payload: dict[str, Any] = {
            "model": self.served_model,
            "messages": list(messages),
            "temperature": self.settings.temperature,
            "seed": self.settings.seed,
            "max_tokens": max_tokens,
            # Same penalty under each server's name; each ignores the other's key.
            "repetition_penalty": repeat_penalty(self.settings),  # vLLM
            "repeat_penalty": repeat_penalty(self.settings),  # llama-server
        }
        if self.settings.use_grammar and self._grammars is not None:
            payload["grammar"] = self._gbnf(contract)
        elif self.settings.use_grammar:
            payload["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": contract.__name__,
                    "schema": contract_json_schema(contract),
                    "strict": True,
                },
            }
        return payload

    def _gbnf(self, contract: type[BaseModel]) -> str:
        """The contract's GBNF grammar, the one the embedded llama.cpp backend decodes with."""
        grammars = self._grammars if self._grammars is not None else {}
        key = schema_text(contract)
        if key not in grammars:
            grammars[key] = contract_gbnf(contract)
        return grammars[key]

    def _complete(
        self,
        messages: list[Message],
        contract: type[BaseModel],
        max_tokens: int,
        control: CallControl | None = None,
    ) -> tuple[str, dict[str, float], int]:
        """One chat completion; on a context-length 400, one retry with the budget it reports.

        Without a control (bench/bench_backends.py times raw calls) the backend's limit applies.
        """
        control = control or CallControl(self.name, self.time_limit_s)
        try:
            return (*self._post(messages, contract, max_tokens, control), max_tokens)
        except _ContextOverflow as overflow:
            budget = overflow.budget()
            return (*self._post(messages, contract, budget, control, retry=False), budget)

    def _post(
        self,
        messages: list[Message],
        contract: type[BaseModel],
        max_tokens: int,
        control: CallControl,
        retry: bool = True,
    ) -> tuple[str, dict[str, float]]:
        clock = Stopwatch()
        url = f"{self.url}/v1/chat/completions"
        payload = {
            **self._payload(messages, contract, max_tokens),
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        # The read timeout bounds each wait for the server's next bytes; the call's deadline
        # bounds the whole answer (checked at every token).
        read_timeout = max(0.01, min(self.settings.timeout, control.remaining_s()))
        try:
            response = self.client.session().post(
                url, json=payload, timeout=(CONNECT_TIMEOUT_S, read_timeout), stream=True
            )
        except requests.RequestException as exc:
            raise self._request_error(exc, control, read_timeout, started=False) from None
        with response:
            if response.status_code != 200:
                raise _http_error(response, retry)
            try:
                if _is_event_stream(response):
                    return _read_stream(response, control, clock)
                # A server that ignores `stream` answers with one JSON body.
                return _parse_completion(response, clock.ms())
            except requests.RequestException as exc:
                raise self._request_error(exc, control, read_timeout, started=True) from None

    def _request_error(
        self,
        exc: requests.RequestException,
        control: CallControl,
        read_timeout: float,
        *,
        started: bool,
    ) -> Exception:
        """The error a failed request means: the call's own end (cancel, deadline) first."""
        stop = control.stop_error()
        if stop is not None:
            return stop
        if isinstance(exc, requests.Timeout) or "timed out" in str(exc).lower():
            if read_timeout < self.settings.timeout:  # the wait was cut to the call's deadline
                return control.timeout_error()
            return BackendError(
                f"vLLM request timed out after {self.settings.timeout:g} s ({self.url}).",
                "Raise `timeout` for this model in config.yaml, or retry when the server is less busy.",
            )
        if started:
            return BackendError(
                f"The vLLM server at {self.url} stopped answering mid-response ({_reason(exc)}).",
                "Check the server's log; retry when it is healthy.",
            )
        if isinstance(exc, requests.ConnectionError):
            return BackendError(
                f"Failed to connect to vLLM server at {self.url} ({_reason(exc)}).", START_HINT
            )
        return BackendError(f"vLLM request to {self.url} failed: {_reason(exc)}.")


def _probe(client: ServerClient, timeout: float) -> list[dict[str, Any]]:
    """GET /v1/models; anything but a model list means the server is not usable."""
    url = client.url
    try:
        response = client.session().get(f"{url}/v1/models", timeout=timeout)
        response.raise_for_status()
    except requests.RequestException as exc:
        raise ModelUnavailableError(
            f"Failed to connect to vLLM server at {url} ({_reason(exc)}).", START_HINT
        ) from None
    try:
        # requests' JSONDecodeError is also a RequestException: decode outside that handler
        models = response.json().get("data") or []
    except (requests.RequestException, ValueError, AttributeError):
        raise ModelUnavailableError(
            f"{url}/v1/models did not return an OpenAI-style model list.",
            "Check that the URL points at a vLLM (OpenAI-compatible) server.",
        ) from None
    if not models:
        raise ModelUnavailableError(f"The server at {url} serves no model.", START_HINT)
    return [m for m in models if isinstance(m, dict) and "id" in m]


def _can_write_gbnf() -> bool:
    """Whether llama-cpp-python's JSON-schema-to-GBNF converter is installed (it is with the
    embedded model; a machine with only a server falls back to the JSON schema)."""
    import importlib.util

    return importlib.util.find_spec("llama_cpp") is not None


def _choose_model(url: str, models: list[dict[str, Any]], wanted: str | None) -> dict[str, Any]:
    if not wanted or wanted == "auto":
        return models[0]
    for entry in models:
        if entry["id"] == wanted:
            return entry
    served = ", ".join(str(m["id"]) for m in models)
    raise ModelUnavailableError(
        f"The server at {url} does not serve {wanted!r} (it serves: {served}).",
        "Change `model:` in config.yaml (or use auto).",
    )


def _context_length(client: ServerClient, entry: dict[str, Any]) -> int | None:
    """vLLM's max_model_len; for llama-server the slot context (/props, meta.n_ctx, n_ctx_train)."""
    if isinstance(entry.get("max_model_len"), int):
        return int(entry["max_model_len"])
    try:
        props = client.session().get(f"{client.url}/props", timeout=PROBE_TIMEOUT_S).json()
        return int(props["default_generation_settings"]["n_ctx"])
    except (requests.RequestException, ValueError, KeyError, TypeError):
        pass
    meta = entry.get("meta")
    if not isinstance(meta, dict):
        return None
    for key in ("n_ctx", "n_ctx_train"):
        if isinstance(meta.get(key), int):
            return int(meta[key])
    return None


class _ContextOverflow(Exception):
    """An HTTP 400 saying prompt + max_tokens exceed the context; carries the numbers."""

    def __init__(self, context: int, prompt: int, message: str) -> None:
        super().__init__(message)
        self.context, self.prompt, self.message = context, prompt, message

    def budget(self) -> int:
        room = self.context - self.prompt
        if room < 1:
            raise BackendError(
                f"The prompt ({self.prompt} tokens) does not fit the model's context "
                f"({self.context} tokens).",
                "Use a table with fewer columns, a shorter question, or a longer-context model.",
            )
        return room


def _http_error(response: requests.Response, retry: bool) -> Exception:
    """Map a non-200 answer to a BackendError (or _ContextOverflow when one retry may help)."""
    status = response.status_code
    body = _error_body(response)
    message = _error_message(body, response.text)
    if status == 400:
        overflow = _context_overflow(body, message)
        if overflow is not None and retry:
            return overflow
        if overflow is not None:
            return BackendError(f"vLLM rejected the request (HTTP 400): {message}")
        return BackendError(
            f"vLLM rejected the request (HTTP 400): {message}",
            "The request or its JSON schema is not supported by this server.",
        )
    if status in (401, 403):
        return BackendError(
            f"vLLM refused the credentials (HTTP {status}): {message}",
            "Set `api_key` for this model in config.yaml.",
        )
    if status == 404:
        return BackendError(
            f"vLLM answered HTTP 404: {message}", "Check `url` and `model` in config.yaml."
        )
    if status >= 500:
        return BackendError(
            f"vLLM server error (HTTP {status}): {message}",
            "Check the server's log; retry when it is healthy.",
        )
    return BackendError(f"vLLM answered HTTP {status}: {message}")


def _error_body(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    if not isinstance(body, dict):
        return {}
    # OpenAI/llama-server nest the details under "error"; vLLM puts them at the top level.
    nested = body.get("error")
    return nested if isinstance(nested, dict) else body


def _error_message(body: dict[str, Any], text: str) -> str:
    message = body.get("message") or body.get("detail") or text or "(empty body)"
    return " ".join(str(message).split())[:500]


def _context_overflow(body: dict[str, Any], message: str) -> _ContextOverflow | None:
    """The context and prompt sizes from vLLM's message or llama-server's error fields."""
    if isinstance(body.get("n_ctx"), int) and isinstance(body.get("n_prompt_tokens"), int):
        return _ContextOverflow(body["n_ctx"], body["n_prompt_tokens"], message)
    context = _CONTEXT_MAX.search(message)
    if context is None:
        return None
    for pattern in _PROMPT_TOKENS:
        prompt = pattern.search(message)
        if prompt is not None:
            return _ContextOverflow(int(context.group(1)), int(prompt.group(1)), message)
    return None


def _parse_completion(response: requests.Response, request_ms: float) -> tuple[str, dict]:
    """The message text and timings of a 200 answer; malformed bodies are BackendErrors."""
    try:
        body = response.json()
        content = body["choices"][0]["message"].get("content") or ""
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        snippet = " ".join(response.text.split())[:200]
        raise BackendError(
            f"vLLM returned a malformed response (not an OpenAI chat completion): {snippet!r}",
            "Check that the URL points at a vLLM (OpenAI-compatible) server.",
        ) from None
    return str(content), _timings(body, request_ms)


def _is_event_stream(response: requests.Response) -> bool:
    return response.headers.get("Content-Type", "").startswith("text/event-stream")


def _events(response: requests.Response) -> Iterator[dict[str, Any]]:
    """The JSON payload of each server-sent event until [DONE]; malformed ones are errors."""
    for line in response.iter_lines():  # bytes: the charset requests guesses for text/* is wrong
        if not line.startswith(b"data:"):
            continue
        data = line[5:].strip()
        if data == b"[DONE]":
            return
        try:
            event = json.loads(data)
        except ValueError:
            raise BackendError(
                "vLLM returned a malformed response (a streamed event that is not JSON): "
                f"{data[:200].decode(errors='replace')!r}",
                "Check that the URL points at a vLLM (OpenAI-compatible) server.",
            ) from None
        if not isinstance(event, dict):
            raise BackendError(
                "vLLM returned a malformed response (a streamed event that is not an object)."
            )
        if isinstance(event.get("error"), dict):
            message = _error_message(event["error"], "")
            raise BackendError(
                f"vLLM failed while generating: {message}",
                "Check the server's log; retry when it is healthy.",
            )
        yield event


def _read_stream(
    response: requests.Response, control: CallControl, clock: Stopwatch
) -> tuple[str, dict[str, float]]:
    """The text and timings of a streamed chat completion, counting each piece as a token."""
    pieces: list[str] = []
    ttft = 0.0
    last: dict[str, Any] = {}  # usage (vLLM, include_usage) and timings (llama-server) come last
    for event in _events(response):
        for choice in event.get("choices") or []:
            delta = choice.get("delta") if isinstance(choice, dict) else None
            text = delta.get("content") if isinstance(delta, dict) else None
            if text:
                ttft = ttft or clock.ms()
                pieces.append(str(text))
                control.token()
        last.update({k: event[k] for k in ("usage", "timings") if isinstance(event.get(k), dict)})
    usage = last.get("usage") or {"completion_tokens": len(pieces)}
    timings = _timings({**last, "usage": usage}, clock.ms())
    return "".join(pieces), {**timings, "ttft_ms": ttft}


def _timings(body: dict[str, Any], request_ms: float) -> dict[str, float]:
    usage = body.get("usage") or {}
    completion = float(usage.get("completion_tokens") or 0)
    timings = {
        "request_ms": request_ms,
        "prompt_tokens": float(usage.get("prompt_tokens") or 0),
        "completion_tokens": completion,
        "tokens_per_s": rate(completion, request_ms),
    }
    server = body.get("timings")  # llama-server reports its own prompt/decode split
    if isinstance(server, dict):
        timings["prompt_ms"] = round(float(server.get("prompt_ms") or 0.0), 1)
        timings["tokens_per_s"] = round(float(server.get("predicted_per_second") or 0.0), 1)
    return timings


def _reason(exc: requests.RequestException) -> str:
    """A short cause: 'connection refused', 'timed out', or the exception's class name."""
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    if isinstance(exc, requests.Timeout) or "timed out" in text:
        return "timed out"
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    return type(exc).__name__
