"""gpt4all backend: no grammar exists, so the prompt shows the schema and an example, and the
first JSON object of the answer is validated, with bounded re-asks quoting the error. A numbered
choice (contracts.numbered_choice_contract) is asked as it is: one number, read, not parsed as
JSON (llm/numbered.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from autoviz_core.config import Limits, ModelSettings
from autoviz_core.contracts import contract_json_schema
from autoviz_core.errors import BackendError, ModelUnavailableError
from autoviz_core.llm import numbered
from autoviz_core.llm.base import (
    BackendBase,
    CallControl,
    Generation,
    Message,
    ModelLock,
    Stopwatch,
    Strategy,
    invalid_output_error,
    rate,
    repeat_penalty,
)
from autoviz_core.llm.embedded import gpt4all_model_copy, resolve_model_path
from autoviz_core.llm.json_extract import first_json_object

# SmolLM2 speaks ChatML. gpt4all feeds the system block verbatim (special tokens parsed), and
# formats each user turn with the template ({0} the prompt, {1} where the answer goes).
CHATML_TURN = "<|im_start|>{role}\n{content}<|im_end|>\n"
CHATML_TEMPLATE = "<|im_start|>user\n{0}<|im_end|>\n<|im_start|>assistant\n{1}<|im_end|>\n"


class GPT4AllBackend(BackendBase):
    """A GGUF model run by gpt4all's bundled llama.cpp, prompted with the schema (no grammar).

    It takes a ready client (a loaded gpt4all.GPT4All or a stand-in with chat_session and
    generate); from_settings() prepares and loads the model.
    """

    strategy: Strategy = "prompt_validate"

    def __init__(
        self,
        model: Any,
        settings: ModelSettings,
        limits: Limits | None = None,
        *,
        model_path: Path | None = None,
    ) -> None:
        super().__init__(settings, limits)
        self.model_path: Path = model_path or Path(settings.path or "")
        self.prompt_template = str(getattr(settings, "prompt_template", None) or CHATML_TEMPLATE)
        self.turn_template = str(getattr(settings, "turn_template", None) or CHATML_TURN)
        self._model: Any = model
        self._lock = ModelLock()

    @classmethod
    def from_settings(cls, settings: ModelSettings, limits: Limits | None = None) -> GPT4AllBackend:
        """Locate the GGUF (preparing the gpt4all copy of an embedded one) and load it."""
        # The embedded model needs its pre-tokenizer renamed for gpt4all's older llama.cpp.
        source = resolve_model_path(settings.path)
        embedded = (settings.path or "").startswith("embedded:")
        path = gpt4all_model_copy(source) if embedded else source
        return cls(_load_gpt4all(path, settings), settings, limits, model_path=path)

    def _generate(
        self, messages: list[Message], contract: type[BaseModel], budget: int, control: CallControl
    ) -> Generation:
        """Prompt with schema + example in one chat session; the shared loop extracts the JSON,
        validates, and re-asks quoting the error. The session keeps the conversation, so each
        attempt sends only the newest user turn. A numbered choice is asked for its number."""
        if numbered.is_numbered(contract):
            return self._choose_number(messages, contract, control)
        system, prompt = self._render(messages, contract)
        prefix = answer_prefix(contract)
        template = self.prompt_template.replace("{1}", _escape_braces(prefix) + "{1}", 1)

        def ask(conversation: list[Message], control: CallControl) -> tuple[str, dict]:
            return self._ask(conversation[-1]["content"], budget, prefix, control)

        def reask(_messages: list[Message], _raw: str, error: str) -> list[Message]:
            return [{"role": "user", "content": correction_prompt(error)}]

        with self._lock.hold(control):
            if self._model is None:
                raise BackendError(f"{self.name}: the model was closed.")
            with self._model.chat_session(system_prompt=system, prompt_template=template):
                first: list[Message] = [{"role": "user", "content": prompt}]
                return self.validated(ask, first, contract, control, reask)

    def _choose_number(
        self, messages: list[Message], contract: type[BaseModel], control: CallControl
    ) -> Generation:
        """One of the numbered options the question lists: the first number of the answer,
        which is begun for the model ("Option"), so generation stops at the next token or so;
        re-asked while it names none of them."""
        count = numbered.option_count(contract)
        *history, last = messages if messages else [{"role": "user", "content": ""}]
        system = "".join(self.turn_template.format(**turn) for turn in history)
        prompt = f"{last['content']}\n\n{numbered.instruction(count)}"
        prefix = numbered.answer_prefix()
        template = self.prompt_template.replace("{1}", _escape_braces(prefix) + "{1}", 1)
        attempts = 1 + max(0, self.settings.max_retries)
        raw = ""
        with self._lock.hold(control):
            if self._model is None:
                raise BackendError(f"{self.name}: the model was closed.")
            with self._model.chat_session(system_prompt=system, prompt_template=template):
                for attempt in range(1, attempts + 1):
                    control.start_attempt(attempt)
                    raw, timings = self._ask(
                        prompt, numbered.MAX_TOKENS, prefix, control, numbered.has_number
                    )
                    number = numbered.parse_number(raw, count)
                    if number is not None:
                        value = contract.model_validate({"number": str(number)})
                        timings = {**timings, "total_ms": control.elapsed_ms()}
                        return Generation(value, raw, timings, attempt)
                    prompt = numbered.correction(count)
        raise invalid_output_error(self.name, attempts, f"no number from 1 to {count}", raw)

    def info(self) -> dict[str, Any]:
        """Model file (the prepared copy), context length, threads."""
        return {
            "backend": "gpt4all",
            "strategy": self.strategy,
            "model": self.model_path.name,
            "path": str(self.model_path),
            "source": self.settings.path,
            "n_ctx": self.settings.n_ctx,
            "n_threads": self.settings.n_threads,
        }

    def close(self) -> None:
        """Free the model now rather than at garbage collection."""
        with self._lock:
            model, self._model = self._model, None
            if model is not None:
                model.close()

    def _render(self, messages: list[Message], contract: type[BaseModel]) -> tuple[str, str]:
        """(system block with earlier turns, last user prompt + schema + example)."""
        *history, last = messages if messages else [{"role": "user", "content": ""}]
        system = "".join(self.turn_template.format(**turn) for turn in history)
        return system, f"{last['content']}\n\n{schema_instructions(contract)}"

    def _ask(
        self,
        prompt: str,
        max_tokens: int,
        prefix: str,
        control: CallControl,
        finished: Callable[[str], bool] | None = None,
    ) -> tuple[str, dict[str, float]]:
        """One turn continuing `prefix`; stops as soon as the answer is `finished` (by default:
        a whole JSON object has been written), or when the call is cancelled or out of time."""
        done = finished or (lambda text: "}" in text and first_json_object(text) is not None)
        clock = Stopwatch()
        pieces: list[str] = [prefix]
        first = [0.0]
        # The callback runs inside native code, where an exception would only be printed:
        # it stops generation instead, and the reason is raised once gpt4all returns.
        stopped: list[Exception] = []

        def on_token(_token_id: int, piece: str) -> bool:
            first[0] = first[0] or clock.ms()
            pieces.append(piece)
            try:
                control.token()
            except Exception as exc:
                stopped.append(exc)
                return False
            return not done("".join(pieces))

        try:
            self._model.generate(
                prompt,
                max_tokens=max_tokens,
                temp=self.settings.temperature,
                repeat_penalty=repeat_penalty(self.settings),
                n_batch=self.settings.n_batch,  # gpt4all's default of 8 makes long prompts slow
                callback=on_token,
            )
        except (RuntimeError, ValueError) as exc:
            raise BackendError(f"{self.name}: gpt4all failed while generating: {exc}") from exc
        if stopped:
            raise stopped[0]
        total = clock.ms()
        tokens = len(pieces) - 1
        timings = {
            "generate_ms": total,
            "ttft_ms": first[0],
            "completion_tokens": float(tokens),
            "tokens_per_s": rate(max(tokens - 1, 0), max(total - first[0], 0.0)),
        }
        return "".join(pieces), timings


def schema_instructions(contract: type[BaseModel]) -> str:
    """The contract as prompt text: each field with its allowed values, and one valid example.

    The fields are rendered from the same JSON schema the other backends enforce. Tiny models
    shown the raw JSON schema copy it ("type": "string" ...) instead of answering.
    """
    schema = contract_json_schema(contract)
    fields = "\n".join(
        f'- "{name}": {describe(sub)}' for name, sub in schema.get("properties", {}).items()
    )
    return (
        f"Fields of the answer and their allowed values:\n{fields}\n\n"
        "Reply with one JSON object like this example, with values chosen to answer the question:\n"
        f"{json.dumps(example_object(schema), ensure_ascii=False)}"
    )


def describe(schema: dict[str, Any]) -> str:
    """A one-line reading of a schema node: `"a" | "b"`, `string`, `list (at most 3) of {...}`."""
    if "enum" in schema:
        return " | ".join(json.dumps(value, ensure_ascii=False) for value in schema["enum"])
    if "const" in schema:
        return json.dumps(schema["const"], ensure_ascii=False)
    kind = schema.get("type")
    if kind == "array":
        bound = f" (at most {schema['maxItems']})" if "maxItems" in schema else ""
        return f"list{bound} of {describe(schema.get('items', {}))}"
    if kind == "object":
        inner = ", ".join(
            f'"{name}": {describe(sub)}' for name, sub in schema.get("properties", {}).items()
        )
        return "{" + inner + "}"
    for key in ("anyOf", "oneOf"):
        if schema.get(key):
            return " or ".join(describe(option) for option in schema[key])
    return str(kind or "value")


def answer_prefix(contract: type[BaseModel]) -> str:
    """The start of the answer, written for the model: `{"<first field>":`.

    Tiny models otherwise open with prose or nest the wrong object; the first key is fixed
    by the contract anyway.
    """
    first = next(iter(contract_json_schema(contract).get("properties", {})), None)
    return '{"' + first + '":' if first else ""


def correction_prompt(error: str) -> str:
    """The re-ask after an invalid answer, quoting the validation error."""
    return (
        f"That answer is not valid: {error}. Reply with only the corrected JSON object, "
        "using only the allowed values from the schema."
    )


def example_object(schema: dict[str, Any]) -> Any:
    """A minimal value valid for `schema`: first enum value, empty arrays, "" and 0."""
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            return example_object(schema[key][0])
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: example_object(sub) for name, sub in props.items()}
    defaults: dict[Any, Any] = {
        "array": [],
        "string": "",
        "integer": 0,
        "number": 0,
        "boolean": False,
    }
    return defaults.get(kind)


def _escape_braces(text: str) -> str:
    """Text to put literally into a str.format template."""
    return text.replace("{", "{{").replace("}", "}}")


def _load_gpt4all(path: Path, settings: ModelSettings) -> Any:
    """Load the model from its file (never downloading); failures become ModelUnavailableError."""
    try:
        from gpt4all import GPT4All
    except ImportError as exc:
        raise ModelUnavailableError(
            f"gpt4all is not installed or failed to load: {exc}.", "Run: pip install gpt4all==2.8.2"
        ) from None
    try:
        return GPT4All(
            model_name=path.name,
            model_path=str(path.parent),
            allow_download=False,
            n_threads=settings.n_threads,
            device="cpu",
            n_ctx=settings.n_ctx,
            verbose=False,
        )
    except (ValueError, RuntimeError, OSError) as exc:
        raise ModelUnavailableError(
            f"gpt4all could not load {path.name}: {exc}.",
            "gpt4all 2.8.2 supports fewer architectures than llama.cpp; try the llama.cpp backend.",
        ) from None
