"""Greedy decoding under a grammar that asks the grammar about one token, not the whole vocabulary.

llama-cpp-python's sampler chain (penalties -> grammar -> greedy) runs the grammar over all
~49k candidate tokens at every step, which made constrained decoding ~0.4x the unconstrained
speed here. llama.cpp's own server samples first and asks the grammar only about the chosen
token, falling back to the whole vocabulary when the grammar rejects it. For greedy decoding
that picks exactly the token the chain would (the best token the grammar allows; ties go to
the lowest id in both), so the output is unchanged and only the cost moves.

Jump-forward: where the grammar allows exactly one next character (a key's name after its opening
quote, the rest of an enum value once its first letters are written), the model has nothing to
decide, so those characters are appended as tokens and evaluated in one batch instead of one
forward pass each. The last token of a forced stretch is left to the model, which may join it
with what it writes next. The forced text is tokenized on its own and evaluated in a batch, so
the answers are not token for token those of one-at-a-time decoding; bench/README.md ("third
pass") measures how the model's decisions differ.

The penalties and the grammar are llama.cpp's own samplers, used through llama-cpp-python's
wrappers exactly as its chain uses them; only the order of questions differs.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Iterator
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp import Llama
from llama_cpp import _internals as internals

SHORTLIST = 256  # candidates asked about together before falling back to the whole vocabulary
TOKEN_DATA = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)])
# longest forced stretch looked for at once (key names and enum values are shorter)
FORCED_MAX_CHARS = 64
PROBE_BYTES = (9, 10, *range(32, 127))  # the characters a JSON grammar can force


class GrammarCheckedGreedySampler:
    """Stands in for llama-cpp-python's LlamaSampler (`sample(ctx, idx)`) for greedy decoding
    under a grammar. `steps` counts the tokens it chose."""

    def __init__(
        self, model: Any, grammar: Any, n_vocab: int, repeat_penalty: float, last_n: int
    ) -> None:
        self._penalties = internals.LlamaSampler()
        self._penalties.add_penalties(n_vocab, last_n, repeat_penalty, 0.0, 0.0)
        self._grammar = internals.LlamaSampler()
        self._grammar.add_grammar(model, grammar)
        self._n_vocab = n_vocab
        self._ids = np.arange(n_vocab, dtype=np.int32)
        self._all = np.zeros(n_vocab, dtype=TOKEN_DATA)
        self._one = np.zeros(1, dtype=TOKEN_DATA)
        self.steps = 0
        self.jumped = 0  # tokens appended because the grammar forced them

    def sample(self, ctx: Any, idx: int = -1) -> int:
        """The best token under the penalties that the grammar accepts; accepted into both."""
        logits = np.ctypeslib.as_array(
            llama_cpp.llama_get_logits_ith(ctx.ctx, idx), shape=(self._n_vocab,)
        )
        candidates = self._all
        candidates["id"] = self._ids
        candidates["logit"] = logits
        candidates["p"] = 0.0
        _apply(self._penalties, candidates)
        best = int(np.argmax(candidates["logit"]))
        token = int(candidates["id"][best])
        if not self._grammar_allows(token, float(candidates["logit"][best])):
            token = self._best_allowed(candidates)
        self.steps += 1
        self._penalties.accept(token)
        self._grammar.accept(token)
        return token

    def _best_allowed(self, candidates: np.ndarray) -> int:
        """The best token the grammar allows: asked first of the top SHORTLIST candidates (one
        call), then of the whole vocabulary if none of them fits or a tie crosses the cut."""
        logits = candidates["logit"]
        top = np.argpartition(-logits, SHORTLIST)[:SHORTLIST]
        top = top[np.lexsort((top, -logits[top]))]  # by logit descending, then id
        shortlist = candidates[top]
        _apply(self._grammar, shortlist)
        allowed = np.flatnonzero(np.isfinite(shortlist["logit"]))
        cut = float(logits[top[-1]])
        if len(allowed) and float(logits[top[allowed[0]]]) > cut:
            return int(shortlist["id"][allowed[0]])
        _apply(self._grammar, candidates)
        return int(candidates["id"][int(np.argmax(candidates["logit"]))])

    def _grammar_allows(self, token: int, logit: float) -> bool:
        one = self._one
        one[0] = (token, logit, 0.0)
        _apply(self._grammar, one)
        return bool(np.isfinite(one["logit"][0]))

    def forced_text(self, probe: np.ndarray, text_of: dict[int, bytes]) -> bytes:
        """The characters the grammar allows as the only continuation, found on a copy of the
        grammar: `probe` holds one single-character token per character of PROBE_BYTES plus an
        end-of-generation token (a grammar that may end here forces nothing)."""
        copy = llama_cpp.llama_sampler_clone(self._grammar.sampler)
        out = bytearray()
        try:
            while len(out) < FORCED_MAX_CHARS:
                candidates = probe.copy()
                _apply_to(copy, candidates)
                allowed = np.flatnonzero(np.isfinite(candidates["logit"]))
                token = int(candidates["id"][allowed[0]]) if len(allowed) == 1 else -1
                if token not in text_of:
                    break
                llama_cpp.llama_sampler_accept(copy, token)
                out += text_of[token]
        finally:
            llama_cpp.llama_sampler_free(copy)
        return bytes(out)

    def accept_forced(self, tokens: list[int]) -> list[int]:
        """Accept forced tokens as if chosen; stops at the first one the grammar would refuse
        (never expected, but accepting a refused token aborts inside llama.cpp)."""
        taken: list[int] = []
        for token in tokens:
            if not self._grammar_allows(token, 0.0):
                break
            self._penalties.accept(token)
            self._grammar.accept(token)
            taken.append(token)
        self.jumped += len(taken)
        return taken

    def close(self) -> None:
        self._grammar.close()
        self._penalties.close()


def _apply(sampler: Any, candidates: np.ndarray) -> None:
    """llama_sampler_apply on a numpy array laid out as llama_token_data (edits it in place)."""
    _apply_to(sampler.sampler, candidates)


def _apply_to(sampler: Any, candidates: np.ndarray) -> None:
    array = llama_cpp.llama_token_data_array(
        data=ctypes.cast(candidates.ctypes.data, llama_cpp.llama_token_data_p),
        size=len(candidates),
        selected=-1,
        sorted=False,
    )
    llama_cpp.llama_sampler_apply(sampler, ctypes.byref(array))


class GrammarFirstLlama(Llama):
    """llama_cpp.Llama whose greedy, grammar-constrained sampling uses the sampler above; every
    other combination of settings keeps the library's own chain. `grammar_first = False` turns
    it off (benchmarks compare the two); `jump_forward = False` decodes forced characters one
    token at a time like the library."""

    grammar_first = True
    jump_forward = True
    _probe: tuple[np.ndarray, dict[int, bytes]] | None = None
    _system_tokens: dict[str, list[int]] | None = None
    # (tokens, ms) of the last call's jump batches, which llama.cpp's perf counts as prompt
    jumped_batches: tuple[int, float] = (0, 0.0)

    def keep_only_system_prompt(self, messages: list[dict[str, Any]]) -> None:
        """Start every call from the system prompt evaluated on its own. llama.cpp's numbers
        depend on how a prompt is split into batches, and this small model's greedy answers
        changed with them: re-using a cached prompt, or a longer or shorter shared start, gave
        the same question a different plan the second time. So the system prompt is always
        one batch (kept from the last call when it is the same) and the rest of the prompt
        another, evaluated the same way whatever came before."""
        system = messages[0] if messages and messages[0].get("role") == "system" else None
        prefix = self._system_prefix(str(system["content"])) if system else []
        cached = self.input_ids[: len(prefix)].tolist() if self.n_tokens >= len(prefix) else None
        if cached == prefix:
            self.n_tokens = len(prefix)
            return
        self.reset()
        if prefix:
            self.eval(prefix)

    def _system_prefix(self, system: str) -> list[int]:
        """The tokens every prompt with this system message starts with: the common start of
        two renders that differ only in the user's text (none without a chat template)."""
        if self._system_tokens is None:
            self._system_tokens = {}
        if system not in self._system_tokens:
            a, b = (self._render_chat([{"role": "system", "content": system},
                                       {"role": "user", "content": text}])
                    for text in ("a", "b"))  # fmt: skip
            shared = 0
            while shared < min(len(a), len(b)) and a[shared] == b[shared]:
                shared += 1
            self._system_tokens[system] = a[:shared]
        return self._system_tokens[system]

    def _render_chat(self, messages: list[dict[str, Any]]) -> list[int]:
        """The prompt tokens the model's own chat template makes of these messages."""
        template = self.metadata.get("tokenizer.chat_template")
        if not template:
            return []
        from llama_cpp import llama_chat_format

        vocab = self._model
        eos, bos = self.token_eos(), self.token_bos()
        formatter = llama_chat_format.Jinja2ChatFormatter(
            template=template,
            eos_token=vocab.token_get_text(eos) if eos != -1 else "",
            bos_token=vocab.token_get_text(bos) if bos != -1 else "",
        )
        result = formatter(messages=messages)  # type: ignore[arg-type]
        return self.tokenize(
            result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True
        )

    def _init_sampler(self, **kwargs: Any) -> Any:  # type: ignore[override]
        if not (self.grammar_first and _greedy_with_grammar(kwargs)):
            return super()._init_sampler(**kwargs)
        return GrammarCheckedGreedySampler(
            self._model,
            kwargs["grammar"],
            self._n_vocab,
            float(kwargs.get("repeat_penalty", 1.0)),
            self.last_n_tokens_size,
        )

    def generate(self, tokens: Any, *args: Any, **kwargs: Any) -> Iterator[int]:  # type: ignore[override]
        """The library's generator for the prompt and the first token; with the grammar-checked
        sampler, the rest is decoded here so forced stretches go in one batch."""
        self.jumped_batches = (0, 0.0)
        steps = super().generate(tokens, *args, **kwargs)
        first = next(steps, None)  # the prompt is evaluated and the first token sampled
        if first is None:
            return
        sampler = self._sampler
        if not (
            self.jump_forward
            and isinstance(sampler, GrammarCheckedGreedySampler)
            and self.draft_model is None
        ):
            yield first
            yield from steps
            return
        steps.close()
        yield from self._decode_with_jumps(first, sampler, kwargs.get("stopping_criteria"))

    def _decode_with_jumps(
        self, token: int, sampler: GrammarCheckedGreedySampler, stop: Any = None
    ) -> Iterator[int]:
        """Yield the sampled token and the forced ones after it, evaluate them together, sample
        again; the caller stops at end of generation or its token limit. `stop` is checked
        like the library does (the chat formats stop on their end token)."""
        while True:
            yield token
            batch = [token, *self._forced_tokens(sampler)]
            yield from batch[1:]
            started = time.perf_counter()
            self.eval(batch)
            if len(batch) > 1:  # llama.cpp counts a batch as prompt: these are answer tokens
                count, ms = self.jumped_batches
                elapsed = (time.perf_counter() - started) * 1000
                self.jumped_batches = (count + len(batch), ms + elapsed)
            token = sampler.sample(self._ctx, -1)
            if stop is not None and stop(self._input_ids, self._scores[0, :]):
                return

    def _forced_tokens(self, sampler: GrammarCheckedGreedySampler) -> list[int]:
        """Tokens for the characters the grammar forces next, minus the last one (the model may
        join it with what follows), accepted into the sampler."""
        text = sampler.forced_text(*self._probe_set())
        if not text:
            return []
        tokens = self.tokenize(text, add_bos=False, special=False)[:-1]
        return sampler.accept_forced(tokens)

    def _probe_set(self) -> tuple[np.ndarray, dict[int, bytes]]:
        """One single-character token per probed character, plus end of generation; built once."""
        if self._probe is None:
            text_of: dict[int, bytes] = {}
            for byte in PROBE_BYTES:
                ids = self.tokenize(bytes([byte]), add_bos=False, special=False)
                if len(ids) == 1:
                    text_of[ids[0]] = bytes([byte])
            ids = [*text_of, int(self.token_eos())]
            probe = np.zeros(len(ids), dtype=TOKEN_DATA)
            probe["id"] = ids
            self._probe = (probe, text_of)
        return self._probe


def _greedy_with_grammar(kwargs: dict[str, Any]) -> bool:
    """Only greedy decoding with a grammar, no logits processors and no frequency/presence
    penalties is rerouted: that is the case whose result provably does not change."""
    return (
        kwargs.get("grammar") is not None
        and kwargs.get("temp") == 0.0
        and not kwargs.get("logits_processor")
        and not kwargs.get("frequency_penalty")
        and not kwargs.get("presence_penalty")
        and not kwargs.get("mirostat_mode")
    )
