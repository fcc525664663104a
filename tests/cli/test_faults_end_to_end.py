"""`reelwright make` against an endpoint that misbehaves the way real ones do.

The endpoint is the fault stub on 127.0.0.1; the run goes through ChatOpenAI,
the scheduler, every agent and the real media tools. What a user checks: the run
finishes, the log shows each retry and repair, the log matches what the endpoint
saw, and no good reply is paid for twice.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from support.fault_run import FaultRun, make_through_stub
from support.fault_stub import ERRORS, Faults

from reelwright import ids
from reelwright.plan import Plan

MIXED = {
    "429": 0.08,
    "500": 0.05,
    "503": 0.05,
    "cut": 0.1,
    "length": 0.04,
    "empty": 0.04,
    "refusal": 0.03,
    "html": 0.04,
    "slow": 0.03,
}


@pytest.fixture(scope="module")
def faulty_run(tmp_path_factory: pytest.TempPathFactory) -> FaultRun:
    # every fault at least once, then drawn at random; json_schema refused with a
    # 500, as llama-cpp-python's server does, so discovery settles on json_object
    faults = Faults(
        rates=MIXED,
        seed=7,
        script=[
            *("429", "cut", "ok", "empty", "ok", "503", "html", "ok", "length", "ok"),
            *("refusal", "ok", "slow", "ok", "500", "ok"),
        ],
        refuse=("json_schema",),
        slow_s=8.0,
    )
    return make_through_stub(tmp_path_factory.mktemp("runs"), faults, timeout_s=5.0)


def test_the_run_finishes_without_a_failed_node(faulty_run: FaultRun) -> None:
    assert faulty_run.returncode == 0, faulty_run.stderr[-3000:]
    assert faulty_run.finished and not faulty_run.failed
    assert faulty_run.run is not None
    plan = Plan.load(faulty_run.run / "plan.json")
    assert all(node["status"] == "done" for node in plan.iter_nodes())
    assert (faulty_run.run / "episode_01.mp4").is_file()


def test_the_log_matches_what_the_endpoint_saw(faulty_run: FaultRun) -> None:
    seen = faulty_run.outcomes()
    calls = [c for c in faulty_run.calls if not c.get("cache_hit")]
    assert len(calls) == len(faulty_run.served), "one llm_call event per request"
    assert faulty_run.count("refused") == seen["refused"] == 1, "refused once, remembered"
    transient = sum(seen[k] for k in (*ERRORS, "html", "slow"))
    assert faulty_run.count("retry") == transient
    bad_replies = sum(seen[k] for k in ("cut", "length", "empty", "refusal"))
    assert faulty_run.repairs == bad_replies, "every bad reply was answered with a repair"
    methods = Counter(c.get("method") for c in calls if c.get("fault") is None)
    assert set(methods) == {"json_object"}


def test_the_log_says_what_was_wrong_in_words(faulty_run: FaultRun) -> None:
    errors = [str(c["error"]) for c in faulty_run.calls if c.get("error")]
    text = "\n".join(errors)
    for words in ("rate limited", "server error", "cut off", "was empty", "refused", "no reply"):
        assert words in text, words
    assert "not a chat completion" in text, "the HTML page with status 200"
    for name in ("ValidationError", "APIStatusError", "ValueError", "KeyError", "Traceback"):
        assert name not in text, name


def test_no_good_reply_is_paid_for_twice(faulty_run: FaultRun) -> None:
    good = [s.body_sha for s in faulty_run.served if s.outcome == "ok"]
    assert len(good) == len(set(good))
    keys = Counter(s.key for s in faulty_run.served if s.outcome == "ok")
    # a scene sent back (critique or pacing) is asked again, and so is its shot list:
    # new work with a new prompt, not a good reply paid for twice
    revised = {str(e["target"]) for e in faulty_run.events if e["type"] == "revision"}
    again = revised | {t.replace("scene:", "shotlist:") for t in revised}
    repeated = {
        k: n
        for k, n in keys.items()
        if n > 1 and not k.startswith("CriticReport") and k.partition("@")[2] not in again
    }
    assert not repeated, "a node whose reply came back good asked again"


def test_a_node_that_keeps_failing_says_why_and_resume_finishes(tmp_path: Path) -> None:
    # tool calling only (the endpoint refuses both response formats), and the
    # second scene's tool call always comes back with cut-off arguments
    faults = Faults(
        refuse=("json_schema", "json_object"), always={"SceneDraft@scene:1.2": "tool_args"}
    )
    first = make_through_stub(tmp_path, faults)
    assert first.returncode == 1 and first.run is not None
    assert first.failed == ["scene:1.2"]
    message = first.stderr
    assert "the writer asked openai:stub-model for a SceneDraft (prompt writer_scene)" in message
    assert "tool call's arguments were not complete JSON" in message
    assert f"reelwright resume {first.run.name}" in message
    for name in ("ValidationError", "ModelBehaviorError", "Traceback"):
        assert name not in message, name
    plan = Plan.load(first.run / "plan.json")
    broken = ids.scene(1, 2)
    independent = [n for n in plan.ids() if broken not in upstream(plan, n) | {n}]
    assert ids.scene(1, 1) in independent and ids.character("Mei") in independent
    assert all(plan.node(n)["status"] == "done" for n in independent), "what can, finished"

    good_before = {s.key for s in first.served if s.outcome == "ok"}
    second = make_through_stub(tmp_path, Faults(), resume=first.run.name)
    assert second.returncode == 0, second.stderr[-3000:]
    assert Plan.load(first.run / "plan.json").node("scene:1.2")["status"] == "done"
    asked_again = {s.key for s in second.served} & good_before
    assert asked_again <= {"CriticReport", "PlanVerdict"}, f"paid twice for {asked_again}"


def upstream(plan: Plan, node_id: str) -> set[str]:
    """Every node this one depends on, directly or not."""
    seen: set[str] = set()
    todo = list(plan.inputs(node_id))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(plan.inputs(current))
    return seen
