from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from reelwright.events import EventLog, read_events
from reelwright.plan import Plan
from reelwright.scheduler import Job, NodeContext, Scheduler


class Meter:
    """Counts how many jobs of each resource run at once."""

    def __init__(self) -> None:
        self.now: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.ran: list[str] = []
        self.lock = threading.Lock()

    def job(self, resource: str, fail: set[str] = frozenset()) -> Any:  # type: ignore[assignment]
        def run(ctx: NodeContext) -> dict[str, Any]:
            with self.lock:
                self.now[resource] = self.now.get(resource, 0) + 1
                self.peak[resource] = max(self.peak.get(resource, 0), self.now[resource])
                self.ran.append(ctx.node_id)
            time.sleep(0.03)
            with self.lock:
                self.now[resource] -= 1
            if ctx.node_id in fail:
                raise RuntimeError("planned failure")
            return {"made": ctx.node_id}

        return run


def wide_plan(n: int) -> Plan:
    plan = Plan()
    plan.add("series", "series", "writer")
    for i in range(1, n + 1):
        plan.add(f"scene:1.{i}", "scene", "writer", ["series"])
        plan.add(f"frame:1.{i}.1", "frame", "cinematographer", [f"scene:1.{i}"])
    return plan


def test_limits_per_resource_are_honoured(tmp_path: Path) -> None:
    meter = Meter()
    jobs = {
        "series": Job(meter.job("llm"), "llm"),
        "scene": Job(meter.job("llm"), "llm"),
        "frame": Job(meter.job("image"), "image"),
    }
    plan = wide_plan(8)
    saves = []
    sched = Scheduler(
        plan,
        jobs,
        EventLog(tmp_path / "e.jsonl", "r"),
        limits={"llm": 3, "image": 1},
        save=lambda p: saves.append(1),
        services=None,
    )
    outcome = sched.run()
    assert outcome.ok and outcome.done == 17
    assert meter.peak["llm"] == 3
    assert meter.peak["image"] == 1
    assert len(saves) >= 17, "the plan is saved after every node"


def test_failure_blocks_only_dependents(tmp_path: Path) -> None:
    meter = Meter()
    jobs = {
        "series": Job(meter.job("llm"), "llm"),
        "scene": Job(meter.job("llm", fail={"scene:1.2"}), "llm"),
        "frame": Job(meter.job("image"), "image"),
    }
    plan = wide_plan(3)
    outcome = Scheduler(
        plan,
        jobs,
        EventLog(tmp_path / "e.jsonl", "r"),
        limits={"llm": 2},
        services=None,
    ).run()
    assert outcome.failed == ["scene:1.2"]
    assert plan.node("frame:1.2.1")["status"] == "pending"
    assert plan.node("frame:1.3.1")["status"] == "done"
    assert "RuntimeError: planned failure" in plan.node("scene:1.2")["error"]
    failed = [e for e in read_events(tmp_path / "e.jsonl") if e["type"] == "node_failed"]
    assert failed and failed[0]["node"] == "scene:1.2"
    # resumable: the next run only retries what failed and what it blocked
    meter.ran.clear()
    jobs["scene"] = Job(meter.job("llm"), "llm")
    outcome = Scheduler(plan, jobs, EventLog(tmp_path / "e.jsonl", "r"), services=None).run()
    assert outcome.ok and sorted(meter.ran) == ["frame:1.2.1", "scene:1.2"]


def test_stale_node_with_unchanged_inputs_is_not_rerun(tmp_path: Path) -> None:
    meter = Meter()
    jobs = {k: Job(meter.job("cpu"), "cpu") for k in ("series", "scene", "frame")}
    plan = wide_plan(2)
    Scheduler(plan, jobs, EventLog(tmp_path / "e.jsonl", "r"), services=None).run()
    meter.ran.clear()
    plan.invalidate(["scene:1.1"])  # re-made with the same result: the frame is cut off early
    Scheduler(plan, jobs, EventLog(tmp_path / "e.jsonl", "r"), services=None).run()
    assert meter.ran == ["scene:1.1"]


def test_expansion_grows_the_graph(tmp_path: Path) -> None:
    plan = Plan()
    plan.add("series", "series", "writer")

    def expand(p: Plan, node_id: str) -> None:
        for i in (1, 2):
            p.add(f"episode:{i}", "episode", "writer", [node_id])

    jobs = {
        "series": Job(lambda ctx: {"t": 1}, "llm", expand),
        "episode": Job(lambda ctx: {"e": ctx.node_id}, "llm"),
    }
    outcome = Scheduler(plan, jobs, EventLog(tmp_path / "e.jsonl", "r"), services=None).run()
    assert outcome.done == 3 and plan.payload("episode:2") == {"e": "episode:2"}
