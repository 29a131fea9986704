"""LlamaServer with a stand-in executable: the command line, waiting for /health, stopping, and
a clear error with the log when the server dies (the real server: tests/integration)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests

from autoviz_core.errors import ModelUnavailableError
from autoviz_core.llm.llama_server import LlamaServer

# Answers /health on the --port it is given, after a short start-up, and logs its arguments.
STAND_IN = """\
import sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer
args = sys.argv[1:]
print("args", " ".join(args), flush=True)
if "--fail" in open(args[args.index("-m") + 1], "rb").read(64).decode(errors="ignore"):
    print("error: model is broken", flush=True)
    sys.exit(3)
time.sleep(0.3)
class Health(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()
    def log_message(self, *a):
        pass
HTTPServer(("127.0.0.1", int(args[args.index("--port") + 1])), Health).serve_forever()
"""


@pytest.fixture
def binary(tmp_path: Path) -> Path:
    path = tmp_path / "llama-server"
    path.write_text(f"#!{sys.executable}\n{STAND_IN}")
    path.chmod(0o755)
    return path


def _model(tmp_path: Path, extra: bytes = b"") -> str:
    path = tmp_path / "m.gguf"
    path.write_bytes(b"GGUF" + extra + bytes(16))
    return str(path)


def test_starts_waits_for_health_and_stops(tmp_path: Path, binary: Path) -> None:
    log = tmp_path / "server.log"
    server = LlamaServer(
        model=_model(tmp_path), parallel=2, ctx_size=512, threads=1, log=log, binary=binary
    )
    with server as url:
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(f"{url}/health", timeout=2).status_code == 200
        process = server._process
        assert process is not None and process.poll() is None
    assert process.poll() is not None and server._process is None
    logged = log.read_text()
    for expected in ("--parallel 2", "-c 512", "-t 1", "--alias smollm2", "--seed 42"):
        assert expected in logged
    server.stop()  # twice is harmless


def test_a_server_that_exits_is_a_clear_error(tmp_path: Path, binary: Path) -> None:
    log = tmp_path / "server.log"
    server = LlamaServer(model=_model(tmp_path, b"--fail"), log=log, binary=binary)
    with pytest.raises(ModelUnavailableError, match="exited with 3") as err:
        server.start()
    assert "model is broken" in err.value.message and server._process is None


def test_a_missing_model_fails_before_starting(tmp_path: Path, binary: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="Model file not found"):
        LlamaServer(model=str(tmp_path / "none.gguf"), binary=binary).start()
