"""llama.cpp in-process backend: a GBNF grammar generated from the contract constrains decoding."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from autoviz_core.config import Limits, ModelSettings
from autoviz_core.errors import BackendError, ModelUnavailableError
from autoviz_core.llm.base import (
    BackendBase,
    CallControl,
    Generation,
    Message,
    ModelLock,
    Stopwatch,
    Strategy,
    rate,
    repeat_penalty,
    schema_text,
)
from autoviz_core.llm.embedded import resolve_model_path

log = logging.getLogger(__name__)


class LlamaCppBackend(BackendBase):
    """A GGUF model loaded with llama-cpp-python; one call at a time (the Llama object is not
    thread-safe), callers queue on a lock whose waiting count the UI can show.

    It takes a ready client (a loaded llama_cpp.Llama, or a stand-in with the same
    create_chat_completion) and a grammar compiler (llama_cpp's, or a stand-in), so its tests
    need neither the library nor the weights; from_settings() loads the model.
    """

    strategy: Strategy = "gbnf"

    def __init__(
        self,
        llama: Any,
        settings: ModelSettings,
        limits: Limits | None = None,
        *,
        model_path: Path | None = None,
        compile_grammar: Callable[[str], Any] | None = None,
    ) -> None:
        super().__init__(settings, limits)
        self.model_path: Path = model_path or Path(settings.path or "")
        self._llama: Any = llama
        self._compile_grammar = compile_grammar or compile_json_schema_grammar
        self._grammars: dict[str, Any] = {}
        self._lock = ModelLock()

    @classmethod
    def from_settings(
        cls, settings: ModelSettings, limits: Limits | None = None
    ) -> LlamaCppBackend:
        """Locate and load the GGUF the settings name; ModelUnavailableError when it cannot."""
        path = resolve_model_path(settings.path)
        if settings.requantize == "q8_0":
            path = _q8_copy_or_shipped(path)
        return cls(_load_llama(path, settings), settings, limits, model_path=path)

    # ------------------------------------------------------------------ protocol
    def _generate(
        self, messages: list[Message], contract: type[BaseModel], budget: int, control: CallControl
    ) -> Generation:
        """Decode under the contract's grammar; the shared loop validates and re-asks. The
        model is held for every attempt of the call, so a re-ask reuses the KV cache."""
        grammar = self._grammar(contract) if self.settings.use_grammar else None

        def ask(conversation: list[Message], control: CallControl) -> tuple[str, dict]:
            return self._stream(conversation, grammar, budget, control)

        with self._holding(control):
            return self.validated(ask, messages, contract, control)

    def info(self) -> dict[str, Any]:
        """Model path and name, context length, threads."""
        if self._llama is None:
            return {"backend": "llama.cpp", "strategy": self.strategy, "path": str(self.model_path)}
        return {
            "backend": "llama.cpp",
            "strategy": self.strategy,
            "model": str(self._llama.metadata.get("general.name", self.model_path.stem)),
            "path": str(self.model_path),
            "n_ctx": int(self._llama.n_ctx()),
            "n_ctx_train": int(self._llama._model.n_ctx_train()),
            "n_threads": self.settings.n_threads,
            "flash_attn": self.settings.flash_attn,
            "jump_forward": self.settings.jump_forward,
        }

    def close(self) -> None:
        """Free the model's memory now rather than at garbage collection."""
        with self._lock:
            llama, self._llama = self._llama, None
            if llama is not None:
                llama.close()

    def queue_depth(self) -> int:
        """How many callers are waiting for the model (not counting the one being served)."""
        return self._lock.waiting

    # ------------------------------------------------------------------ internals
    def _grammar(self, contract: type[BaseModel]) -> Any:
        """The GBNF grammar of a contract, built once per distinct schema text."""
        text = schema_text(contract)
        if text not in self._grammars:
            try:
                self._grammars[text] = self._compile_grammar(text)
            except Exception as exc:  # the converter raises bare exceptions on unsupported schemas
                raise BackendError(
                    f"Could not turn the {contract.__name__} schema into a grammar: {exc}"
                ) from exc
        return self._grammars[text]

    def _complete(
        self,
        messages: list[Message],
        grammar: Any,
        max_tokens: int,
        control: CallControl | None = None,
    ) -> tuple[str, dict]:
        """One streamed chat completion, holding the model: the text and its timings.

        Without a control (bench/bench_backends.py times raw calls) the backend's limit applies.
        """
        control = control or CallControl(self.name, self.time_limit_s)
        with self._holding(control):
            return self._stream(messages, grammar, max_tokens, control)

    @contextlib.contextmanager
    def _holding(self, control: CallControl) -> Iterator[None]:
        with self._lock.hold(control):
            if self._llama is None:
                raise BackendError(f"{self.name}: the model was closed.")
            yield

    def _stream(
        self, messages: list[Message], grammar: Any, max_tokens: int, control: CallControl
    ) -> tuple[str, dict]:
        # The system prompt stays first and identical across calls: its cached tokens are
        # reused, and everything after it is evaluated again, so no answer depends on the
        # calls before it (GrammarFirstLlama.keep_only_system_prompt says why).
        _reset_perf(self._llama)
        _keep_only_system_prompt(self._llama, messages)
        clock = Stopwatch()
        pieces: list[str] = []
        ttft = 0.0
        finish = ""
        try:
            chunks = self._llama.create_chat_completion(
                messages=list(messages),
                grammar=grammar,
                temperature=self.settings.temperature,
                seed=self.settings.seed,
                repeat_penalty=repeat_penalty(self.settings),
                max_tokens=max_tokens,
                stream=True,
            )
            # Closed explicitly: a call stopped mid-stream (cancel, time limit) ends the
            # generator now, while this thread still holds the model's lock.
            with contextlib.closing(chunks):
                for chunk in chunks:
                    choice = chunk["choices"][0]
                    text = choice["delta"].get("content")
                    if text:
                        ttft = ttft or clock.ms()
                        pieces.append(text)
                        control.token()
                    finish = choice.get("finish_reason") or finish
        except (RuntimeError, ValueError) as exc:
            raise BackendError(f"{self.name}: llama.cpp failed while generating: {exc}") from exc
        prompt_ms, prompt_tokens = _read_perf(self._llama)
        timings = _timings(clock.ms(), ttft, len(pieces), finish)
        perf = {"prompt_ms": prompt_ms, "prompt_tokens": prompt_tokens}
        return "".join(pieces), {**timings, **perf, "forced_tokens": _forced_tokens(self._llama)}


def compile_json_schema_grammar(schema: str) -> Any:
    """llama.cpp's GBNF grammar for a JSON schema text (llama-cpp-python's converter)."""
    from llama_cpp import LlamaGrammar

    return LlamaGrammar.from_json_schema(schema, verbose=False)


def _is_llama(llama: Any) -> bool:
    """Only a real llama_cpp.Llama has perf counters (test doubles do not). Nothing is imported:
    if llama_cpp was never imported, the client cannot be one of its objects."""
    module = sys.modules.get("llama_cpp")
    return module is not None and isinstance(llama, module.Llama)


def _keep_only_system_prompt(llama: Any, messages: list[Message]) -> None:
    rewind = getattr(llama, "keep_only_system_prompt", None) if _is_llama(llama) else None
    if rewind is not None:
        rewind(list(messages))


def _reset_perf(llama: Any) -> None:
    if _is_llama(llama):
        import llama_cpp

        llama_cpp.llama_perf_context_reset(llama.ctx)


def _read_perf(llama: Any) -> tuple[float, float]:
    """(prompt evaluation ms, prompt tokens evaluated) of the last call; the prefix reused from
    the KV cache is not evaluated again, so a repeated system prompt shows up as fewer tokens.
    llama.cpp counts every batch of more than one token as prompt, so the answer's jump-forward
    batches are taken out again."""
    if not _is_llama(llama):
        return 0.0, 0.0
    import llama_cpp

    perf = llama_cpp.llama_perf_context(llama.ctx)
    jumped, jumped_ms = getattr(llama, "jumped_batches", (0, 0.0))
    return round(max(perf.t_p_eval_ms - jumped_ms, 0.0), 1), max(float(perf.n_p_eval - jumped), 0.0)


def _forced_tokens(llama: Any) -> float:
    """Answer tokens of the last call that the grammar forced (evaluated in batches, not each
    sampled); 0 with the library's own sampler."""
    if not _is_llama(llama):
        return 0.0
    return float(getattr(llama._sampler, "jumped", 0))


def _timings(total_ms: float, ttft_ms: float, tokens: int, finish: str) -> dict:
    """Timings of one completion from the stream clock."""
    decode_ms = max(total_ms - ttft_ms, 0.0)
    return {
        "generate_ms": total_ms,
        "ttft_ms": ttft_ms,
        "completion_tokens": float(tokens),
        "tokens_per_s": rate(max(tokens - 1, 0), decode_ms),
        "truncated": 1.0 if finish == "length" else 0.0,
    }


def _q8_copy_or_shipped(path: Path) -> Path:
    """The cached Q8_0 copy (faster prompts); the file as it is when no copy can be made, so a
    read-only cache costs speed, never the model."""
    from autoviz_core.llm.requantize import q8_copy

    try:
        return q8_copy(path)
    except ModelUnavailableError as exc:
        log.warning("%s Loading %s as it is.", exc, path.name)
        return path


def _load_llama(path: Path, settings: ModelSettings) -> Any:
    """Load the GGUF; any failure becomes a ModelUnavailableError a person can act on."""
    try:
        from autoviz_core.llm.grammar_first import GrammarFirstLlama
    except ImportError as exc:
        raise ModelUnavailableError(
            f"llama-cpp-python is not installed or failed to load: {exc}.",
            'Run: CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install llama-cpp-python==0.3.36',
        ) from None
    try:
        llama = GrammarFirstLlama(
            model_path=str(path),
            n_ctx=settings.n_ctx,
            n_threads=settings.n_threads,
            n_batch=settings.n_batch,
            flash_attn=settings.flash_attn,
            seed=settings.seed,
            verbose=False,
        )
    except (ValueError, RuntimeError, OSError) as exc:
        raise ModelUnavailableError(
            f"llama.cpp could not load {path.name}: {exc}.",
            "Check that the file is a complete GGUF model this llama.cpp version supports.",
        ) from None
    llama.jump_forward = settings.jump_forward
    return llama
