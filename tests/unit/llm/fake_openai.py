"""A scriptable fake OpenAI/vLLM server on 127.0.0.1 (http.server in a thread) for backend tests."""

from __future__ import annotations

import contextlib
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

    def reply_json(self, status: int, body: Any) -> None:
        self.replies.append((status, json.dumps(body)))

    def reply_content(self, content: str, **extra: Any) -> None:
        body = {"choices": [{"message": {"role": "assistant", "content": content}}], **extra}
        self.reply_json(200, body)


def _handler(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, text: str) -> None:
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/v1/models":
                self._send(200, json.dumps({"object": "list", "data": server.models}))
            else:
                self._send(404, json.dumps({"error": {"message": "not found"}}))

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            server.requests.append(json.loads(body))
            server.headers.append(dict(self.headers))
            reply = server.replies.pop(0) if server.replies else (500, "{}")
            if isinstance(reply, float):
                time.sleep(reply)
                reply = (200, "{}")
            # The client may have given up already (timeout test).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send(*reply)

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
