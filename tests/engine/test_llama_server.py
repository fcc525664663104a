"""A real OpenAI-compatible server, not our stub: llama-cpp-python's, with the embedded GGUF.

One small structured call through the `--llm openai:MODEL` path. The server
answers the json_schema response format with HTTP 500, so the backend has to
find json_object with a schema by itself, and the event log has to match the
server's own access log.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from pydantic import BaseModel

from reelwright.tools.llm import LLM, CallRecord, GenerationSettings, Message

pytestmark = pytest.mark.embedded

if importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("uvicorn") is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI must install the server extra (pip install -e '.[local,server]')")
    pytest.skip("llama-cpp-python[server] not installed", allow_module_level=True)


class Mood(BaseModel):
    label: str
    valence: float


def test_llama_cpp_server_takes_a_structured_call_through_openai(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from support.llama_server import ALIAS, llama_server

    from reelwright.backends import make_backend
    from reelwright.tools.llm.local import embedded_model_path

    with llama_server(embedded_model_path(), tmp_path / "server.log", n_ctx=512) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        # the server answers one request at a time, slowly on a busy CPU: no timeout
        # retry, so the event log and the server's access log can be compared one to one
        monkeypatch.setenv("REELWRIGHT_LLM_TIMEOUT", "900")
        backend = make_backend(f"openai:{ALIAS}", seed=0)
        records: list[CallRecord] = []
        llm = LLM(backend, on_call=records.append, settings=GenerationSettings(temperature=0))
        ask = [
            Message(role="system", content="Reply with one JSON object."),
            Message(role="user", content="A calm fisherman at dawn: his mood label and valence."),
        ]
        mood = llm.complete(ask, Mood, max_tokens=40)
        statuses = server.requests()
    assert mood.label.strip(), "a real answer, parsed into the schema"
    # the server refused json_schema with a 500; the backend did not retry it as an
    # outage but moved on to json_object with the schema, and will stay there
    assert statuses == [500, 200]
    assert [r.fault for r in records] == ["refused", None]
    assert "json_schema" in str(records[0].error)
    assert records[1].method == "json_object" and records[1].tokens_out > 0
    assert backend.refused == {"json_schema"}  # type: ignore[attr-defined]
