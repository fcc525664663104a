"""llama-cpp-python's own OpenAI-compatible server on 127.0.0.1, serving a GGUF file.

A real endpoint for tests and benchmarks: `python -m llama_cpp.server` (the
`server` extra), on a free port, its access log kept so a test can count the
requests it answered and their HTTP statuses.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ALIAS = "qwen2.5-coder-1.5b"
_ACCESS = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d{3})')


@dataclass
class LlamaServer:
    base_url: str
    log: Path

    def requests(self, path: str = "/v1/chat/completions") -> list[int]:
        """HTTP statuses of the requests to `path`, in order, from the access log."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return [int(m[3]) for m in _ACCESS.finditer(text) if m[2] == path]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def llama_server(
    model: Path, log: Path, *, n_ctx: int = 2048, threads: int = 2, start_s: float = 300
) -> Iterator[LlamaServer]:
    """Start the server, wait until it lists its model, stop it when the block ends."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--model_alias",
        ALIAS,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
        "--n_threads",
        str(threads),
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + start_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {log.read_text()[-1500:]}")
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"llama_cpp.server not up after {start_s:g} s")
            time.sleep(0.5)
        yield LlamaServer(base, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
