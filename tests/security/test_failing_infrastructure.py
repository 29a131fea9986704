"""Failing infrastructure: the vLLM server down, dying mid-request, too slow, or answering 400/500,
and GGUF files that are missing or corrupt. The headless CLI exits non-zero with a one-line reason
on stderr and never prints a result; the factory raises ModelUnavailableError, never crashes.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from security_helpers import assert_clean_failure

from autoviz_core.config import load_settings
from autoviz_core.errors import BackendError, ModelUnavailableError
from autoviz_core.llm.factory import create_backend
from autoviz_core.llm.vllm import VLLMBackend

REPO = Path(__file__).resolve().parents[2]
LLM_TIMEOUT_S = 2.0
GOOD_INTENT = json.dumps({"intent": "general_eda", "rationale": ""})


# ------------------------------------------------------------------ a server we control
class Behaviour:
    """What the fake vLLM server does: `models` for GET /v1/models, `chat` for POST."""

    def __init__(self, models: str = "ok", chat: str = "ok") -> None:
        self.models = models
        self.chat = chat
        self.posts = 0


def _handler(behaviour: Behaviour) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: str, length: int | None = None) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data) if length is None else length))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()

        def do_GET(self) -> None:
            if self.path != "/v1/models":
                self._send(404, json.dumps({"error": {"message": "not found"}}))
            elif behaviour.models == "500":
                self._send(500, json.dumps({"error": {"message": "model failed to load"}}))
            elif behaviour.models == "html":
                self._send(200, "<html>nginx welcome</html>")
            else:
                self._send(200, json.dumps({"object": "list", "data": [{"id": "fake"}]}))

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            behaviour.posts += 1
            mode = behaviour.chat
            if mode == "die":  # the server process dies mid-request: no answer at all
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            if mode == "partial":  # headers promise 10 kB, the body stops after a few bytes
                self._send(200, '{"choices": [{"mess', length=10_000)
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            if mode == "slow":
                time.sleep(LLM_TIMEOUT_S * 3)
                mode = "ok"
            if mode == "400":
                self._send(400, json.dumps({"error": {"message": "response_format not supported"}}))
            elif mode == "500":
                self._send(500, json.dumps({"error": {"message": "CUDA out of memory"}}))
            elif mode == "garbage":
                self._send(200, "this is not an OpenAI answer")
            elif mode == "prose":
                body = {"choices": [{"message": {"content": "I think it is a bar chart."}}]}
                self._send(200, json.dumps(body))
            else:
                body = {"choices": [{"message": {"content": GOOD_INTENT}}]}
                with contextlib.suppress(OSError):
                    self._send(200, json.dumps(body))

    return Handler


@contextlib.contextmanager
def fake_vllm(behaviour: Behaviour) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(behaviour))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens here any more


# ------------------------------------------------------------------ config and CLI
def write_config(tmp_path: Path, url: str = "", **model_overrides: Any) -> Path:
    """The repository's config.yaml with the vLLM URL changed and a short LLM timeout."""
    raw = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    raw["models"]["vllm-local"]["url"] = url
    raw["backends"]["vllm"]["url"] = url
    raw["limits"]["llm_timeout_s"] = LLM_TIMEOUT_S
    for name, entry in model_overrides.items():
        raw["models"][name] = entry
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


@pytest.fixture
def data_csv(tmp_path: Path) -> Path:
    return _write_data(tmp_path)


def _write_data(folder: Path) -> Path:
    path = folder / "sales.csv"
    rows = [
        f"{r},{d},{u}"
        for r in ("north", "south")
        for d, u in [("2024-01-01", 3), ("2024-01-02", 5)]
    ]
    path.write_text("region,date,units\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def run_cli(
    data: Path, config: Path | None, backend: str, *, env_config: bool = False, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONWARNINGS": "ignore"}
    args = [
        sys.executable,
        "-m",
        "autoviz_core",
        "run",
        str(data),
        "What are total units by region?",
    ]
    args += ["--backend", backend, "--mode", "model"]
    if env_config:
        env["AUTOVIZ_CONFIG"] = str(config)
    elif config is not None:
        args += ["--config", str(config)]
    return subprocess.run(
        args, capture_output=True, text=True, env=env, timeout=timeout, cwd=data.parent, check=False
    )


# ------------------------------------------------------------------ vLLM server failures (CLI)
SERVER_CASES: dict[str, tuple[Behaviour | None, int, tuple[str, ...]]] = {
    "server down at start": (None, 3, ("failed to connect", "connection refused")),
    "models endpoint 500": (Behaviour(models="500"), 3, ("failed to connect",)),
    "not an OpenAI server": (Behaviour(models="html"), 3, ("model list",)),
    "dies mid-request": (Behaviour(chat="die"), 1, ("vllm",)),
    "truncated response body": (Behaviour(chat="partial"), 1, ("vllm",)),
    "slower than the timeout": (Behaviour(chat="slow"), 1, ("timed out after 2 s",)),
    "HTTP 400": (Behaviour(chat="400"), 1, ("HTTP 400", "response_format not supported")),
    "HTTP 500": (Behaviour(chat="500"), 1, ("HTTP 500", "out of memory")),
    "200 with garbage body": (Behaviour(chat="garbage"), 1, ("malformed response",)),
    "200 with prose, not JSON": (Behaviour(chat="prose"), 1, ("did not match the contract",)),
}


def _run_server_case(case: str, root: Path, data: Path) -> tuple[Any, float]:
    behaviour, _, _ = SERVER_CASES[case]
    folder = root / case.replace(" ", "_").replace(",", "")
    folder.mkdir()
    start = time.perf_counter()
    if behaviour is None:
        proc = run_cli(data, write_config(folder, closed_port_url()), "vllm-local")
    else:
        with fake_vllm(behaviour) as url:
            proc = run_cli(data, write_config(folder, url), "vllm-local")
    return proc, time.perf_counter() - start


@pytest.fixture(scope="module")
def server_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, float]]:
    """Every server case's CLI run, started concurrently (each child mostly waits on imports)."""
    root = tmp_path_factory.mktemp("server-cases")
    data = _write_data(root)
    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = {case: pool.submit(_run_server_case, case, root, data) for case in SERVER_CASES}
        return {case: future.result() for case, future in futures.items()}


@pytest.mark.parametrize(
    "case",
    [case for case in SERVER_CASES],
)
def test_cli_fails_cleanly_when_the_server_fails(
    case: str, server_runs: dict[str, tuple[Any, float]]
) -> None:
    _, code, phrases = SERVER_CASES[case]
    proc, elapsed = server_runs[case]
    assert_clean_failure(proc, *phrases)
    assert proc.returncode == code, proc.stderr
    # Bounded: the timeout and the retries come from config, nothing waits for a default 60 s.
    assert elapsed < 45


def test_cli_fails_cleanly_for_a_server_that_is_not_openai(
    server_runs: dict[str, tuple[Any, float]],
) -> None:
    proc, _ = server_runs["not an OpenAI server"]
    assert_clean_failure(proc, "vllm")
    assert proc.returncode == 3


def test_cli_reads_the_config_from_autoviz_config(tmp_path: Path, data_csv: Path) -> None:
    proc = run_cli(
        data_csv, write_config(tmp_path, closed_port_url()), "vllm-local", env_config=True
    )
    assert_clean_failure(proc, "127.0.0.1")


def test_cli_succeeds_against_a_healthy_fake_server(tmp_path: Path, data_csv: Path) -> None:
    """The control case: the same harness does report success when the server behaves (cue mode
    for everything but the intent, which the fake answers)."""
    with fake_vllm(Behaviour()) as url:
        env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONWARNINGS": "ignore"}
        proc = subprocess.run(
            [sys.executable, "-m", "autoviz_core", "run", str(data_csv), "total units by region",
             "--backend", "vllm-local", "--config", str(write_config(tmp_path, url)), "--no-adapt"],
            capture_output=True, text=True, env=env, timeout=60, check=False,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "intent:" in proc.stdout


# ------------------------------------------------------------------ in-process: time and retries
def test_slow_server_times_out_at_the_configured_limit(tmp_path: Path) -> None:
    behaviour = Behaviour(chat="slow")
    with fake_vllm(behaviour) as url:
        settings = load_settings(write_config(tmp_path, url))
        backend = create_backend("vllm-local", settings)
        assert isinstance(backend, VLLMBackend)
        start = time.perf_counter()
        with pytest.raises(BackendError, match="timed out"):
            backend.generate([{"role": "user", "content": "q"}], _intent())
        elapsed = time.perf_counter() - start
        backend.close()
    assert LLM_TIMEOUT_S * 0.9 < elapsed < LLM_TIMEOUT_S * 2.5, elapsed
    assert behaviour.posts == 1  # a timeout is not retried


def _intent() -> Any:
    from autoviz_core.contracts import intent_contract

    return intent_contract()


# ------------------------------------------------------------------ GGUF files
def _gguf_entries(tmp_path: Path) -> dict[str, dict[str, str]]:
    from autoviz_core.llm.embedded import resolve_model_path

    rng = np.random.default_rng(7)
    random_file = tmp_path / "random.gguf"
    random_file.write_bytes(rng.integers(0, 256, 1 << 20, dtype=np.uint8).tobytes())
    bad_magic = tmp_path / "header.gguf"
    bad_magic.write_bytes(b"GGUF" + rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())
    real = resolve_model_path("embedded:smollm2")
    truncated = tmp_path / "truncated.gguf"
    with real.open("rb") as src:
        truncated.write_bytes(src.read(2 << 20))
    empty = tmp_path / "empty.gguf"
    empty.write_bytes(b"")
    return {
        "missing-llamacpp": {"backend": "llama.cpp", "path": str(tmp_path / "nope.gguf")},
        "random-llamacpp": {"backend": "llama.cpp", "path": str(random_file)},
        "gguf-magic-then-noise": {"backend": "llama.cpp", "path": str(bad_magic)},
        "truncated-llamacpp": {"backend": "llama.cpp", "path": str(truncated)},
        "empty-llamacpp": {"backend": "llama.cpp", "path": str(empty)},
        "directory-llamacpp": {"backend": "llama.cpp", "path": str(tmp_path)},
        "missing-gpt4all": {"backend": "gpt4all", "path": str(tmp_path / "nope.gguf")},
        "random-gpt4all": {"backend": "gpt4all", "path": str(random_file)},
    }


GGUF_CASES = [
    "missing-llamacpp",
    "random-llamacpp",
    "gguf-magic-then-noise",
    "truncated-llamacpp",
    "empty-llamacpp",
    "directory-llamacpp",
    "missing-gpt4all",
    "random-gpt4all",
]


@pytest.fixture(scope="module")
def gguf_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, str]]:
    """CLI runs on bad GGUF entries, concurrently, each in a child process so that a segfault in
    native code shows up as a signal rather than killing the test run."""
    root = tmp_path_factory.mktemp("gguf-cases")
    entries = _gguf_entries(root)
    config = write_config(root, closed_port_url(), **entries)
    data = _write_data(root)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {e: pool.submit(run_cli, data, config, e, timeout=120) for e in SUBPROCESS_GGUF}
        return {e: (f.result(), Path(entries[e]["path"]).name) for e, f in futures.items()}


SUBPROCESS_GGUF = [
    "random-llamacpp",
    "truncated-llamacpp",
    "gguf-magic-then-noise",
    "random-gpt4all",
]


@pytest.mark.parametrize("entry", SUBPROCESS_GGUF)
def test_bad_gguf_cli_exits_3_with_one_line(entry: str, gguf_runs: dict[str, Any]) -> None:
    proc, filename = gguf_runs[entry]
    line = assert_clean_failure(proc)
    assert proc.returncode == 3, proc.stderr
    assert filename in line, line


@pytest.mark.parametrize("entry", GGUF_CASES)
def test_bad_gguf_raises_model_unavailable(entry: str, tmp_path: Path) -> None:
    entries = _gguf_entries(tmp_path)
    settings = load_settings(write_config(tmp_path, closed_port_url(), **entries))
    with pytest.raises(ModelUnavailableError) as info:
        create_backend(entry, settings)
    text = str(info.value)
    assert "\n" not in text and Path(entries[entry]["path"]).name in text, text
