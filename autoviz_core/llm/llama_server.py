"""Start llama.cpp's llama-server, the OpenAI-compatible stand-in for vLLM, on a loopback port.

vLLM cannot run on these machines; llama-server serves the same /v1/chat/completions API with
json_schema structured output, so the vLLM backend is tested and benchmarked against it. This
is the one way to start it: the integration and security tests and the benchmarks use it.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from typing import IO

import requests

from autoviz_core.config import REPO_ROOT
from autoviz_core.errors import ModelUnavailableError
from autoviz_core.llm.embedded import resolve_model_path

BUILD_SCRIPT = REPO_ROOT / "scripts" / "build_llama_server.sh"
BUILD_TIMEOUT_S = 1800  # a first build takes about 5 minutes on 2 cores
START_TIMEOUT_S = 120
ALIAS = "smollm2"  # the model id the server reports at /v1/models


def server_binary() -> Path:
    """The llama-server executable: $AUTOVIZ_LLAMA_SERVER, the cached build, or a new build
    (scripts/build_llama_server.sh decides and prints the path last)."""
    try:
        result = subprocess.run(
            ["bash", str(BUILD_SCRIPT)],
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ModelUnavailableError(
            f"Building llama-server took over {BUILD_TIMEOUT_S} s.", f"Run {BUILD_SCRIPT} alone."
        ) from None
    lines = result.stdout.strip().splitlines()
    binary = Path(lines[-1]) if lines else Path()
    if result.returncode != 0 or not binary.is_file():
        tail = " ".join(result.stderr.strip().splitlines()[-3:]) or "no output"
        raise ModelUnavailableError(
            f"llama-server is not available: {tail}", f"Run {BUILD_SCRIPT} and read its output."
        )
    return binary


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LlamaServer:
    """llama-server serving a GGUF (default: the embedded SmolLM2) on a free loopback port.

    `with LlamaServer(threads=1) as url:` starts it, waits until /health answers, and stops it
    (terminate, then kill) on exit. The server's output goes to `log` (default: discarded).
    """

    def __init__(
        self,
        *,
        model: str = "embedded:smollm2",
        parallel: int = 4,
        ctx_size: int = 4096,
        threads: int = 2,
        seed: int = 42,
        alias: str = ALIAS,
        log: Path | None = None,
        binary: Path | None = None,
    ) -> None:
        self.model = model
        self.parallel = parallel
        self.ctx_size = ctx_size
        self.threads = threads
        self.seed = seed
        self.alias = alias
        self.log = log
        self.binary = binary
        self.url = ""
        self._process: subprocess.Popen[bytes] | None = None

    def command(self, binary: Path, port: int) -> list[str]:
        return [
            str(binary), "-m", str(resolve_model_path(self.model)),
            "--host", "127.0.0.1", "--port", str(port),
            "--parallel", str(self.parallel), "-c", str(self.ctx_size),
            "--seed", str(self.seed), "-t", str(self.threads), "--alias", self.alias,
        ]  # fmt: skip

    def start(self) -> str:
        """Start the server and wait until it is healthy; its base URL."""
        command = self.command(self.binary or server_binary(), free_port())
        sink: IO[bytes] | int = subprocess.DEVNULL
        if self.log is not None:
            sink = self.log.open("wb")
        try:
            self._process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        finally:
            if not isinstance(sink, int):
                sink.close()  # the child has its own copy of the descriptor
        self.url = f"http://127.0.0.1:{command[command.index('--port') + 1]}"
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self.url

    def stop(self) -> None:
        """Stop the server (terminate, then kill after 10 s); safe to call twice."""
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _wait_healthy(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ModelUnavailableError(
                    f"llama-server exited with {self._process.returncode}.{self._log_tail()}"
                )
            try:
                if requests.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise ModelUnavailableError(
            f"llama-server did not become healthy in {START_TIMEOUT_S} s.{self._log_tail()}"
        )

    def _log_tail(self) -> str:
        if self.log is None or not self.log.is_file():
            return ""
        return "\n" + self.log.read_text(errors="replace")[-2000:]

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *_exc_info: object) -> None:
        self.stop()
