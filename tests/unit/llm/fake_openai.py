"""A scriptable fake OpenAI/vLLM server on 127.0.0.1 (http.server in a thread) for backend tests.

A chat completion asked with `stream: true` is answered as server-sent events, one per few
characters of the content (chunked, as vLLM and llama-server do) unless `streams` is False.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from autoviz_core.config import ModelSettings

Reply = tuple[int, str]  # (HTTP status, body text)


@dataclass
class FakeServer:
    """Answers /v1/models from `models` and each chat completion with the next queued reply."""

    url: str = ""
    models: list[dict[str, Any]] = field(default_factory=lambda: [{"id": "served-model"}])
    replies: list[Reply | float] = field(default_factory=list)  # a float = hang that long
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    streams: bool = True  # False: answer stream requests with one JSON body, as some servers do
    event_delay: float = 0.0  # seconds between streamed events
    piece_chars: int = 4  # characters of content per streamed event
    disconnected: threading.Event = field(default_factory=threading.Event)  # client went away

    def reply_json(self, status: int, body: Any) -> None:
        self.replies.append((status, json.dumps(body)))

    def reply_content(self, content: str, **extra: Any) -> None:
        body = {"choices": [{"message": {"role": "assistant", "content": content}}], **extra}
        self.reply_json(200, body)


def _handler(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # chunked transfer for streams, like real servers

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, text: str) -> None:
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")  # it closes after each answer: say so
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/v1/models":
                self._send(200, json.dumps({"object": "list", "data": server.models}))
            else:
                self._send(404, json.dumps({"error": {"message": "not found"}}))

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            payload = json.loads(body)
            server.requests.append(payload)
            server.headers.append(dict(self.headers))
            reply = server.replies.pop(0) if server.replies else (500, "{}")
            if isinstance(reply, float):
                time.sleep(reply)
                reply = (200, "{}")
            # The client may have given up already (timeout and cancel tests).
            try:
                if reply[0] == 200 and payload.get("stream") and server.streams:
                    self._stream(reply[1])
                else:
                    self._send(*reply)
            except (BrokenPipeError, ConnectionResetError):
                server.disconnected.set()
            self.close_connection = True

        def _chunk(self, text: str) -> None:
            data = text.encode()
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def _stream(self, text: str) -> None:
            """A completion body as events: content pieces, then usage/timings, then [DONE]."""
            try:
                body = json.loads(text)
                content = body["choices"][0]["message"]["content"]
            except (ValueError, KeyError, IndexError, TypeError):
                body, content = None, None
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            if body is None:  # not a chat completion: stream the text as it is
                self._chunk(f"data: {text}\n\n")
            else:
                step = server.piece_chars
                for start in range(0, len(content), step):
                    delta = {"choices": [{"delta": {"content": content[start : start + step]}}]}
                    self._chunk(f"data: {json.dumps(delta)}\n\n")
                    time.sleep(server.event_delay)
                final = {k: body[k] for k in ("usage", "timings") if k in body}
                final["choices"] = [{"delta": {}, "finish_reason": "stop"}]
                self._chunk(f"data: {json.dumps(final)}\n\n")
                self._chunk("data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

    return Handler


def start_fake_server() -> tuple[FakeServer, ThreadingHTTPServer, threading.Thread]:
    """Serve a new FakeServer on a free port of 127.0.0.1."""
    state = FakeServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    return state, httpd, thread


def vllm_settings(url: str, **overrides: Any) -> ModelSettings:
    values: dict[str, Any] = {
        "name": "test-vllm", "backend": "vllm", "url": url, "model": "auto", "timeout": 5.0,
        "max_retries": 1,
    }  # fmt: skip
    return ModelSettings(**{**values, **overrides})
