"""VLLMBackend against a fake OpenAI server: payload shape, discovery, and every error path."""

from __future__ import annotations

import json
import threading
import time

import pytest
from fake_openai import FakeServer, vllm_settings

from autoviz_core.config import Limits
from autoviz_core.contracts import intent_contract, request_contract
from autoviz_core.errors import BackendError, ModelCancelled, ModelTimeout, ModelUnavailableError
from autoviz_core.llm.base import Progress
from autoviz_core.llm.vllm import ServerClient, VLLMBackend

MESSAGES = [
    {"role": "system", "content": "You classify questions."},
    {"role": "user", "content": "How did revenue change over time?"},
]
GOOD = '{"intent": "time_series_investigation", "rationale": "over time"}'
LIMITS = Limits(llm_max_tokens=200)
CONTEXT_400 = {
    "object": "error",
    "message": "This model's maximum context length is 2048 tokens. However, you requested "
    "2100 tokens (1900 in the messages, 200 in the completion). Please reduce the length of "
    "the messages or completion.",
    "type": "BadRequestError",
    "param": None,
    "code": 400,
}


def _backend(server: FakeServer, **overrides: object) -> VLLMBackend:
    return VLLMBackend.from_settings(vllm_settings(server.url, **overrides), LIMITS)


def test_sends_strict_json_schema_and_validates(fake_server: FakeServer) -> None:
    fake_server.reply_content(GOOD, usage={"prompt_tokens": 30, "completion_tokens": 12})
    backend = _backend(fake_server, api_key="sk-test")
    generation = backend.generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    assert generation.value.model_dump()["intent"] == "time_series_investigation"
    assert generation.attempts == 1 and generation.timings["total_ms"] > 0
    assert generation.timings["completion_tokens"] == 12
    payload = fake_server.requests[0]
    assert "guided_json" not in payload
    assert payload["model"] == "served-model" and payload["max_tokens"] == 200
    assert payload["repetition_penalty"] == payload["repeat_penalty"] == 1.1
    fmt = payload["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["name"] == "IntentChoice"
    assert fmt["json_schema"]["schema"]["properties"]["intent"]["enum"][0] == "general_eda"
    assert fake_server.headers[0]["Authorization"] == "Bearer sk-test"


def test_discovers_served_model_and_context_length(fake_server: FakeServer) -> None:
    fake_server.models = [{"id": "phi", "max_model_len": 4096}, {"id": "other"}]
    info = _backend(fake_server).info()
    assert info["served_model"] == "phi" and info["n_ctx"] == 4096


def test_llama_server_context_length_from_meta(fake_server: FakeServer) -> None:
    fake_server.models = [{"id": "smollm2", "meta": {"n_ctx_train": 8192}}]
    assert _backend(fake_server).context_length == 8192


def test_named_model_must_be_served(fake_server: FakeServer) -> None:
    with pytest.raises(ModelUnavailableError, match="does not serve 'phi-4'"):
        _backend(fake_server, model="phi-4")


def test_unreachable_server_is_model_unavailable(closed_port_url: str) -> None:
    with pytest.raises(ModelUnavailableError, match="Failed to connect to vLLM server") as err:
        VLLMBackend.from_settings(vllm_settings(closed_port_url))
    assert "connection refused" in err.value.message
    assert "config.yaml" in err.value.hint


def test_connection_refused_during_a_call(fake_server: FakeServer, closed_port_url: str) -> None:
    backend = _backend(fake_server)
    backend.client.url = closed_port_url
    with pytest.raises(BackendError, match="connection refused"):
        backend.generate(MESSAGES, intent_contract())  # type: ignore[arg-type]


def test_malformed_response_body(fake_server: FakeServer) -> None:
    fake_server.replies.append((200, "<html>not json"))
    with pytest.raises(BackendError, match="malformed response"):
        _backend(fake_server).generate(MESSAGES, intent_contract())  # type: ignore[arg-type]


def test_invalid_content_is_re_asked_then_reported(fake_server: FakeServer) -> None:
    fake_server.reply_content('{"intent": "nonsense", "rationale": ""}')
    fake_server.reply_content('{"intent": "weather", "rationale": ""')
    with pytest.raises(BackendError, match="after 2 attempt") as err:
        _backend(fake_server).generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    assert "Invalid JSON" in err.value.message
    retry = fake_server.requests[1]["messages"]
    assert retry[0] == MESSAGES[0] and "not valid" in retry[-1]["content"]
    assert "intent: Input should be" in retry[-1]["content"]


def test_re_ask_can_succeed(fake_server: FakeServer) -> None:
    fake_server.reply_content('{"intent": "nonsense", "rationale": ""}')
    fake_server.reply_content(GOOD)
    generation = _backend(fake_server).generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    assert generation.attempts == 2


def test_http_400_shows_the_server_message(fake_server: FakeServer) -> None:
    fake_server.reply_json(400, {"object": "error", "message": "Invalid JSON schema", "code": 400})
    with pytest.raises(BackendError, match=r"HTTP 400\): Invalid JSON schema"):
        _backend(fake_server).generate(MESSAGES, intent_contract())  # type: ignore[arg-type]


def test_context_length_400_retries_once_with_the_reported_budget(fake_server: FakeServer) -> None:
    fake_server.reply_json(400, CONTEXT_400)
    fake_server.reply_content(GOOD)
    generation = _backend(fake_server).generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    assert generation.value.model_dump()["intent"] == "time_series_investigation"
    assert [r["max_tokens"] for r in fake_server.requests] == [200, 148]


def test_context_length_400_twice_is_an_error(fake_server: FakeServer) -> None:
    fake_server.reply_json(400, CONTEXT_400)
    fake_server.reply_json(400, CONTEXT_400)
    with pytest.raises(BackendError, match="maximum context length is 2048"):
        _backend(fake_server).generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    assert len(fake_server.requests) == 2


def test_prompt_alone_over_the_context_is_an_error(fake_server: FakeServer) -> None:
    body = {**CONTEXT_400, "message": CONTEXT_400["message"].replace("1900", "2048")}
    fake_server.reply_json(400, body)
    with pytest.raises(BackendError, match="does not fit the model's context"):
        _backend(fake_server).generate(MESSAGES, intent_contract())  # type: ignore[arg-type]


def test_newer_vllm_and_llama_server_context_messages(fake_server: FakeServer) -> None:
    newer = "This model's maximum context length is 1024 tokens. However, your request has 1000 input tokens."
    fake_server.reply_json(400, {"object": "error", "message": newer, "code": 400})
    fake_server.reply_content(GOOD)
    llama_server = {"error": {"code": 400, "message": "the request exceeds the available context size",
                              "type": "exceed_context_size_error", "n_prompt_tokens": 900, "n_ctx": 1024}}  # fmt: skip
    fake_server.reply_json(400, llama_server)
    fake_server.reply_content(GOOD)
    backend = _backend(fake_server)
    backend.generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    backend.generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    assert [r["max_tokens"] for r in fake_server.requests] == [200, 24, 200, 124]


def test_http_500(fake_server: FakeServer) -> None:
    fake_server.reply_json(500, {"error": {"message": "CUDA out of memory"}})
    with pytest.raises(BackendError, match=r"server error \(HTTP 500\): CUDA out of memory"):
        _backend(fake_server).generate(MESSAGES, intent_contract())  # type: ignore[arg-type]


def test_timeout(fake_server: FakeServer) -> None:
    fake_server.replies.append(1.0)
    with pytest.raises(BackendError, match="vLLM request timed out") as err:
        _backend(fake_server, timeout=0.3).generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    assert "timeout" in err.value.hint


def test_max_tokens_capped_to_the_context(fake_server: FakeServer) -> None:
    fake_server.models = [{"id": "tiny", "max_model_len": 300}]
    fake_server.reply_content('{"chart": "bar"}')
    fake_server.reply_content(GOOD)
    long_messages = [{"role": "user", "content": "x" * 600}]
    with pytest.raises(BackendError):
        _backend(fake_server).generate(long_messages, request_contract(["a"]), max_tokens=500)  # type: ignore[arg-type]
    assert fake_server.requests[0]["max_tokens"] == 300 - (600 // 3 + 8 + 16)
    assert json.dumps(fake_server.requests[0]).count("guided") == 0


# ------------------------------------------------------------------ streaming: progress, cancel, time
def test_answers_are_streamed_with_progress_and_timings(fake_server: FakeServer) -> None:
    server_timings = {"prompt_ms": 12.5, "predicted_per_second": 40.0}
    fake_server.reply_content(GOOD, usage={"completion_tokens": 9}, timings=server_timings)
    seen: list[Progress] = []
    generation = _backend(fake_server).generate(
        MESSAGES,
        intent_contract(),
        on_progress=seen.append,  # type: ignore[arg-type]
    )
    assert generation.raw == GOOD
    payload = fake_server.requests[0]
    assert payload["stream"] is True and payload["stream_options"] == {"include_usage": True}
    pieces = -(-len(GOOD) // fake_server.piece_chars)
    assert [p.tokens for p in seen] == list(range(pieces + 1))  # attempt start, then each piece
    timings = generation.timings
    assert timings["completion_tokens"] == 9 and timings["prompt_ms"] == 12.5
    assert timings["tokens_per_s"] == 40.0 and 0 < timings["ttft_ms"] <= timings["request_ms"]


def test_a_server_that_ignores_stream_still_works(fake_server: FakeServer) -> None:
    fake_server.streams = False
    fake_server.reply_content(GOOD, usage={"completion_tokens": 12})
    generation = _backend(fake_server).generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    assert generation.raw == GOOD and generation.timings["completion_tokens"] == 12


def test_an_error_event_mid_stream(fake_server: FakeServer) -> None:
    fake_server.replies.append((200, json.dumps({"error": {"message": "slot crashed"}})))
    with pytest.raises(BackendError, match="failed while generating: slot crashed"):
        _backend(fake_server).generate(MESSAGES, intent_contract())  # type: ignore[arg-type]


def test_cancel_closes_the_stream(fake_server: FakeServer) -> None:
    fake_server.event_delay = 0.1
    fake_server.reply_content(GOOD)
    cancel = threading.Event()

    def on_progress(progress: Progress) -> None:
        if progress.tokens == 2:
            cancel.set()

    start = time.perf_counter()
    with pytest.raises(ModelCancelled, match=r"cancelled after .* \(3 tokens\)"):
        _backend(fake_server).generate(
            MESSAGES,
            intent_contract(),
            on_progress=on_progress,
            cancel=cancel,  # type: ignore[arg-type]
        )
    assert time.perf_counter() - start < 1.0  # the whole answer would take 1.1 s
    assert fake_server.disconnected.wait(2.0)  # the server sees the client go away


def test_time_limit_bounds_the_whole_answer(fake_server: FakeServer) -> None:
    """Each event arrives well within the request timeout; the call's limit still ends it."""
    fake_server.event_delay = 0.1
    fake_server.reply_content(GOOD)
    backend = VLLMBackend.from_settings(vllm_settings(fake_server.url), Limits(llm_timeout_s=0.35))
    with pytest.raises(ModelTimeout, match=r"timed out after 0\.35 s \(1 attempt"):
        backend.generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    assert len(fake_server.requests) == 1


def test_a_server_silent_past_the_deadline_is_a_model_timeout(fake_server: FakeServer) -> None:
    fake_server.replies.append(1.0)
    backend = VLLMBackend.from_settings(
        vllm_settings(fake_server.url, timeout=5.0), Limits(llm_timeout_s=0.3)
    )
    start = time.perf_counter()
    with pytest.raises(ModelTimeout):
        backend.generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    assert time.perf_counter() - start < 0.9


def test_a_ready_client_needs_no_probe(fake_server: FakeServer) -> None:
    """Built around a client and what the server serves: nothing is asked before the call."""
    fake_server.reply_content(GOOD)
    client = ServerClient(fake_server.url + "/", api_key="k")
    backend = VLLMBackend(client, vllm_settings(fake_server.url), LIMITS, served_model="given")
    assert fake_server.requests == [] and backend.url == fake_server.url
    backend.generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    assert fake_server.requests[0]["model"] == "given"
    assert fake_server.requests[0]["max_tokens"] == 200  # the configured budget: no context
    backend.close()


def test_no_url_configured() -> None:
    with pytest.raises(ModelUnavailableError, match="no server URL"):
        VLLMBackend.from_settings(vllm_settings(""))


def test_a_llama_cpp_server_gets_the_contracts_gbnf_not_its_json_schema(
    fake_server: FakeServer,
) -> None:
    """llama.cpp's own schema converter lets the model indent its JSON; the embedded backend's
    grammar does not. Other servers (vLLM) keep the strict JSON schema."""
    import importlib.util

    fake_server.models = [{"id": "smollm2", "owned_by": "llamacpp"}]
    fake_server.reply_content(GOOD)
    backend = _backend(fake_server)
    assert backend.generate(MESSAGES, intent_contract()).attempts == 1  # type: ignore[arg-type]
    payload = fake_server.requests[0]
    if importlib.util.find_spec("llama_cpp") is None:  # no converter: the JSON schema it is
        assert "grammar" not in payload and payload["response_format"]["type"] == "json_schema"
        return
    from autoviz_core.llm.gbnf import contract_gbnf

    assert "response_format" not in payload
    assert payload["grammar"] == contract_gbnf(intent_contract())
    assert backend.info()["strategy"] == "gbnf"


def test_without_a_grammar_setting_no_server_gets_one(fake_server: FakeServer) -> None:
    fake_server.models = [{"id": "smollm2", "owned_by": "llamacpp"}]
    fake_server.reply_content(GOOD)
    _backend(fake_server, use_grammar=False).generate(MESSAGES, intent_contract())  # type: ignore[arg-type]
    assert "grammar" not in fake_server.requests[0]
    assert "response_format" not in fake_server.requests[0]
