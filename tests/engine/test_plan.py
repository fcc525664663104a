from __future__ import annotations

from pathlib import Path

import pytest

from reelwright.plan import Plan, PlanError


def chain() -> Plan:
    plan = Plan()
    plan.add("series", "series", "writer")
    plan.add("episode:1", "episode", "writer", ["series"])
    plan.add("episode:2", "episode", "writer", ["series"])
    plan.add("scene:1.1", "scene", "writer", ["episode:1"])
    plan.add("scene:2.1", "scene", "writer", ["episode:2"])
    return plan


def finish(plan: Plan, node_id: str, payload: object) -> None:
    node = plan.node(node_id)
    node.update(status="done", payload=payload)
    node["inputs_hash"] = plan.compute_inputs_hash(node_id)


def test_ready_set_follows_inputs() -> None:
    plan = chain()
    assert plan.ready() == ["series"]
    finish(plan, "series", {"title": "x"})
    assert plan.ready() == ["episode:1", "episode:2"]
    finish(plan, "episode:1", {"n": 1})
    assert plan.ready() == ["episode:2", "scene:1.1"]


def test_cycle_rejected() -> None:
    plan = chain()
    with pytest.raises(PlanError):
        plan.link("scene:1.1", "series")
    with pytest.raises(PlanError):
        plan.link("series", "series")


def test_changed_input_makes_downstream_stale_only() -> None:
    plan = chain()
    for node_id, payload in [
        ("series", {"t": 1}),
        ("episode:1", {"e": 1}),
        ("episode:2", {"e": 2}),
        ("scene:1.1", {"s": 1}),
        ("scene:2.1", {"s": 2}),
    ]:
        finish(plan, node_id, payload)
    assert plan.refresh() == set()
    plan.node("episode:2")["payload"] = {"e": "changed"}
    stale = plan.refresh()
    assert stale == {"scene:2.1"}
    assert plan.node("scene:1.1")["status"] == "done"
    assert plan.mark_stale(["series"]) >= {"episode:1", "scene:1.1", "series"}


def test_order_only_edge_does_not_feed_hash() -> None:
    plan = chain()
    plan.add("critique:series", "critique", "critics", ["scene:1.1"])
    plan.add("shotlist:1.1", "shotlist", "director", ["scene:1.1"])
    plan.link("critique:series", "shotlist:1.1", order_only=True)
    before = plan.compute_inputs_hash("shotlist:1.1")
    plan.node("critique:series")["payload"] = {"report": "anything"}
    assert plan.compute_inputs_hash("shotlist:1.1") == before


def test_save_load_round_trip(tmp_path: Path) -> None:
    plan = chain()
    finish(plan, "series", {"title": "海"})
    path = tmp_path / "plan.json"
    plan.save(path)
    loaded = Plan.load(path)
    assert loaded.ids() == plan.ids()
    assert loaded.node("series")["payload"] == {"title": "海"}
    for node in loaded.iter_nodes():
        assert {"id", "kind", "status", "owner", "version"} <= set(node)
    assert "edges" in loaded.to_json()
    assert not list(tmp_path.glob(".plan.json.*")), "no temp file left behind"


def test_mermaid_and_dot_name_every_node() -> None:
    plan = chain()
    mermaid, dot = plan.to_mermaid(), plan.to_dot()
    assert mermaid.startswith("flowchart TD")
    for node_id in plan.ids():
        assert node_id in mermaid and node_id in dot


def test_natural_order() -> None:
    plan = Plan()
    plan.add("series", "series", "writer")
    for n in (10, 9, 1):
        plan.add(f"scene:1.{n}", "scene", "writer", ["series"])
    assert plan.ids("scene") == ["scene:1.1", "scene:1.9", "scene:1.10"]
