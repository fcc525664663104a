"""The faults real endpoints produce, at the model layer, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from support.fault_stub import ERRORS, Faults, fault_stub

from reelwright.errors import ModelBehaviorError
from reelwright.tools.llm import LLM, CallRecord, Message, ResponseCache
from reelwright.tools.llm.openai_compat import OpenAIBackend


class Mood(BaseModel):
    """How a character feels."""

    label: str
    valence: float
    note: str


GOOD: dict[str, Any] = {
    "label": "calm",
    "valence": 0.25,
    "note": "the sea is flat tonight, nets are dry",
}
ASK = [
    Message(role="system", content="Reply with one JSON object."),
    Message(role="user", content="How does the fisherman feel?"),
]
LIBRARY_NAMES = re.compile(r"\b\w+(Error|Exception)\b")


def ask(
    faults: Faults, tmp_path: Path | None = None, timeout_s: float = 5.0
) -> tuple[Mood | Exception, list[CallRecord], list[str]]:
    """One complete() through the fault stub: (value or error, records, outcomes served)."""
    records: list[CallRecord] = []
    with fault_stub({"Mood": [GOOD]}, faults) as (url, state):
        backend = OpenAIBackend("stub-model", base_url=url, timeout_s=timeout_s)
        cache = ResponseCache(tmp_path) if tmp_path else None
        llm = LLM(backend, cache=cache, on_call=records.append, backoff_base=0.01)
        try:
            value: Mood | Exception = llm.complete(ASK, Mood)
        except ModelBehaviorError as exc:
            value = exc
        outcomes = [s.outcome for s in state.served]
    return value, records, outcomes


@pytest.mark.parametrize("fault", ["cut", "length", "empty", "refusal", "html", *ERRORS])
def test_each_fault_alone_is_repaired_or_retried(fault: str) -> None:
    value, records, outcomes = ask(Faults(script=[fault]))
    assert value == Mood(**GOOD)
    assert outcomes == [fault, "ok"]
    assert len(records) == 2, "every request the endpoint saw is in the log"
    first, second = records
    assert first.error and second.error is None
    if fault in ERRORS or fault == "html":
        assert first.fault == "retry" and second.attempt == 1
    else:
        assert first.fault is None and second.attempt == 2, "a bad reply gets a repair turn"
        repair = second.messages[-1].content
        assert "did not pass validation" in repair
        assert second.messages[-2].role == "assistant"
    assert not LIBRARY_NAMES.search(first.error), first.error


def test_a_cut_off_reply_keeps_its_raw_text_for_the_log_and_the_repair() -> None:
    value, records, _ = ask(Faults(script=["cut"]))
    assert value == Mood(**GOOD)
    raw = records[0].response
    assert isinstance(raw, str) and raw.startswith('{"label": "calm"') and not raw.endswith("}")
    assert "cut off" in str(records[0].error)
    assert records[1].messages[-2].content == raw


def test_a_slow_reply_past_the_timeout_is_retried() -> None:
    value, records, outcomes = ask(Faults(script=["slow"], slow_s=1.5), timeout_s=0.4)
    assert value == Mood(**GOOD)
    assert outcomes == ["slow", "ok"]
    assert records[0].fault == "retry" and "no reply within 0.4 s" in str(records[0].error)


def test_broken_tool_call_arguments_are_repaired_when_tools_are_the_method() -> None:
    faults = Faults(script=["tool_args"], refuse=("json_schema", "json_object"))
    value, records, outcomes = ask(faults)
    assert value == Mood(**GOOD)
    assert outcomes == ["refused", "refused", "tool_args", "ok"]
    assert [r.fault for r in records] == ["refused", "refused", None, None]
    assert records[2].method == "tools" and "tool call" in str(records[2].error)
    assert records[3].attempt == 2


def test_a_json_schema_refusal_with_http_500_falls_back_at_once() -> None:
    """llama-cpp-python's server answers json_schema with a 500 naming the format."""
    value, records, outcomes = ask(Faults(refuse=("json_schema",)))
    assert value == Mood(**GOOD)
    assert outcomes == ["refused", "ok"], "no backoff spent on a refusal"
    assert records[0].fault == "refused" and records[1].method == "json_object"


def test_faults_mixed_with_429_and_5xx() -> None:
    script = ["429", "cut", "503", "empty", "500", "html", "length", "ok"]
    value, records, outcomes = ask(Faults(script=script))
    assert value == Mood(**GOOD)
    assert outcomes == script
    assert [r.fault for r in records].count("retry") == 4
    repairs = [r for r in records if r.fault is None and r.attempt > 1]
    assert len(repairs) == 3 and repairs[-1].error is None


def test_a_reply_that_never_gets_better_fails_in_plain_words() -> None:
    value, records, outcomes = ask(Faults(rates={"cut": 1.0}))
    assert isinstance(value, ModelBehaviorError)
    message = str(value)
    assert "cut off" in message and "the last reply began '{" in message
    assert not LIBRARY_NAMES.search(message), message
    assert len(outcomes) == 6 == len(records), "bounded: one try and five more"


def test_a_wrong_reply_is_repaired_once_only() -> None:
    records: list[CallRecord] = []
    with fault_stub({"Mood": [{"label": "calm"}]}) as (url, state):
        llm = LLM(OpenAIBackend("m", base_url=url), on_call=records.append)
        with pytest.raises(ModelBehaviorError, match="valence: Field required"):
            llm.complete(ASK, Mood)
        assert len(state.served) == 2


def test_a_good_reply_is_cached_and_never_asked_for_again(tmp_path: Path) -> None:
    value, records, outcomes = ask(Faults(script=["503", "ok"]), tmp_path)
    assert value == Mood(**GOOD) and outcomes == ["503", "ok"]
    # the same question in a new run with the same cache: the endpoint sees nothing
    again, records, outcomes = ask(Faults(rates={"500": 1.0}), tmp_path)
    assert again == Mood(**GOOD) and outcomes == []
    assert [r.cache_hit for r in records] == [True]


def test_a_bad_reply_is_not_cached_but_its_repair_is(tmp_path: Path) -> None:
    value, records, outcomes = ask(Faults(script=["cut"]), tmp_path)
    assert value == Mood(**GOOD) and outcomes == ["cut", "ok"]
    # asked again: the cut-off first reply is asked for again (it was never kept), and
    # it comes back cut off the same way, so the repaired conversation is a cache hit
    again, records, outcomes = ask(Faults(script=["cut"], rates={"500": 1.0}), tmp_path)
    assert again == Mood(**GOOD) and outcomes == ["cut"]
    assert [r.cache_hit for r in records] == [False, True]
