"""Fixtures of the backend unit tests: a fake OpenAI/vLLM server and a closed port."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from fake_openai import FakeServer, start_fake_server


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    state, httpd, thread = start_fake_server()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
