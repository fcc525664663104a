from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from support.fake_llm import ScriptedModel, UnexpectedModelCall

from reelwright.errors import ModelBehaviorError, ModelUnavailable
from reelwright.events import EventLog
from reelwright.tools.llm import LLM, CallRecord, Message, ResponseCache
from reelwright.tools.llm.openai_compat import OpenAIBackend


class Mood(BaseModel):
    label: str
    valence: float


ASK = [Message(role="user", content="How does the fisherman feel?")]


def test_repair_retry_shows_the_model_its_error() -> None:
    fake = ScriptedModel(['{"label": "calm"}', {"label": "calm", "valence": 0.2}])
    records: list[CallRecord] = []
    out = LLM(fake, on_call=records.append).complete(ASK, Mood)
    assert out == Mood(label="calm", valence=0.2)
    assert len(fake.calls) == 2
    repair = fake.calls[1][0][-1].content
    assert "valence" in repair and "validation" in repair
    assert records[0].error and records[1].error is None


def test_a_second_bad_reply_fails_with_a_clear_error() -> None:
    fake = ScriptedModel(["not json", '{"label": 3}'])
    with pytest.raises(ModelBehaviorError, match="Mood"):
        LLM(fake).complete(ASK, Mood)


def test_semantic_check_failure_is_repaired() -> None:
    fake = ScriptedModel([{"label": "calm", "valence": 0.2}, {"label": "平静", "valence": 0.2}])
    out = LLM(fake).complete(ASK, Mood, check=lambda m: [] if m.label == "平静" else ["Chinese"])
    assert out.label == "平静"


def test_cache_hit_costs_no_call(tmp_path: Path) -> None:
    fake = ScriptedModel([{"label": "calm", "valence": 0.1}])
    records: list[CallRecord] = []
    llm = LLM(fake, cache=ResponseCache(tmp_path), on_call=records.append)
    first = llm.complete(ASK, Mood)
    second = LLM(fake, cache=ResponseCache(tmp_path), on_call=records.append).complete(ASK, Mood)
    assert first == second and len(fake.calls) == 1
    assert [r.cache_hit for r in records] == [False, True]


def test_fake_fails_on_an_unexpected_call() -> None:
    with pytest.raises(UnexpectedModelCall):
        LLM(ScriptedModel([])).complete(ASK, Mood)


def test_fake_replies_by_node_tag_which_stays_out_of_the_prompt() -> None:
    fake = ScriptedModel().add("Mood", {"label": "a", "valence": 0}, node="scene:1.2")
    fake.add("Mood", {"label": "b", "valence": 0})
    assert LLM(fake).complete(ASK, Mood, tag="scene:1.2").label == "a"
    assert LLM(fake).complete(ASK, Mood).label == "b"
    fake.assert_complete()
    assert all("scene:1.2" not in m.content for messages, _ in fake.calls for m in messages)


def chat_reply(content: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": json.dumps(content)},
            }
        ],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


def scripted_transport(statuses: list[int], seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status = statuses.pop(0) if statuses else 200
        if status != 200:
            return httpx.Response(status, json={"error": {"message": "busy", "type": "x"}})
        return httpx.Response(200, json=chat_reply({"label": "calm", "valence": 0.3}))

    return httpx.MockTransport(handle)


def test_backoff_on_429_and_500_then_success(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    client = httpx.Client(transport=scripted_transport([429, 500, 503], seen))
    backend = OpenAIBackend(
        "gpt-4o-mini", base_url="http://stub/v1", api_key="sk-secret-123456789", http_client=client
    )
    log = EventLog(tmp_path / "events.jsonl", "r")
    llm = LLM(
        backend,
        backoff_base=0.01,
        on_call=lambda r: log.emit("llm_call", **r.model_dump(mode="json")),
    )
    assert llm.complete(ASK, Mood).valence == 0.3
    assert len(seen) == 4
    body = json.loads(seen[-1].content)
    assert body["response_format"]["type"] == "json_schema"
    text = (tmp_path / "events.jsonl").read_text()
    assert "sk-secret-123456789" not in text and '"tokens_in": 11' in text
    assert '"cost_usd": ' in text


def test_backoff_is_bounded() -> None:
    seen: list[httpx.Request] = []
    client = httpx.Client(transport=scripted_transport([500] * 10, seen))
    backend = OpenAIBackend("m", base_url="http://stub/v1", http_client=client)
    with pytest.raises(ModelUnavailable, match="still failing"):
        LLM(backend, backoff_base=0.01, transient_attempts=3).complete(ASK, Mood)
    # 3 tries, one of them also trying the next structured-output method after
    # the first kept failing with a bare 500
    assert len(seen) == 4
    assert backend.refused == {"json_schema"}


def test_json_schema_rejected_falls_back_to_tool_calling() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = json.loads(request.content)
        if body.get("response_format", {}).get("type") in ("json_schema", "json_object"):
            return httpx.Response(400, json={"error": {"message": "unsupported response_format"}})
        call = {
            "id": "c1",
            "type": "function",
            "function": {"name": "Mood", "arguments": json.dumps({"label": "x", "valence": 1})},
        }
        reply = chat_reply({})
        reply["choices"][0]["message"] = {
            "role": "assistant",
            "content": None,
            "tool_calls": [call],
        }
        return httpx.Response(200, json=reply)

    backend = OpenAIBackend(
        "m",
        base_url="http://stub/v1",
        http_client=httpx.Client(transport=httpx.MockTransport(handle)),
    )
    records: list[CallRecord] = []
    llm = LLM(backend, on_call=records.append)
    assert llm.complete(ASK, Mood).label == "x"
    assert "tools" in json.loads(seen[-1].content)
    assert [r.fault for r in records] == ["refused", "refused", None]
    assert records[-1].method == "tools"
    assert llm.complete(ASK, Mood).label == "x", "the refusals are remembered"
    assert len(seen) == 4 and "tools" in json.loads(seen[-1].content)


def test_a_reply_that_only_fails_the_check_is_kept_as_a_near_miss() -> None:
    fake = ScriptedModel([{"label": "calm", "valence": 0.1}, {"label": "calm", "valence": 0.2}])
    with pytest.raises(ModelBehaviorError) as caught:
        LLM(fake).complete(ASK, Mood, check=lambda m: ["must be Chinese"])
    assert caught.value.near_miss == Mood(label="calm", valence=0.2)
    fake = ScriptedModel(["not json", "still not json"])
    with pytest.raises(ModelBehaviorError) as caught:
        LLM(fake).complete(ASK, Mood)
    assert caught.value.near_miss is None
