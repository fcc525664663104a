"""Revisions and undo with the SQLite store: a version keeps plan.json, undo brings it back."""

from __future__ import annotations

from pathlib import Path

from reelwright import pipeline
from reelwright.diff import diff_plans
from reelwright.plan_store import DB_NAME, PlanStore
from reelwright.recipe import DRAMA
from reelwright.settings import RunSettings
from reelwright.versions import plan_at, snapshot, undo


def test_undo_restores_the_plan_the_store_had_moved_past(tmp_path: Path) -> None:
    run = pipeline.start(
        RunSettings(premise="A lighthouse keeper", llm="openai:x"), tmp_path, DRAMA
    )
    plan = run.load_plan()
    plan.node("series").update(status="done", payload={"title": "Lamp"}, version=1)
    plan.touch("series")
    store = PlanStore(run.path)
    store.save(plan)  # a run in progress: only the store knows the bible
    store.close()
    assert run.load_plan().payload("series") == {"title": "Lamp"}

    before = run.load_plan()
    run.save_plan(before)  # what revise does before it snapshots
    snapshot(run, 0, "call it Beacon")
    assert not (run.path / "versions" / "v0" / DB_NAME).exists()  # plan.json is versioned

    revised = run.load_plan()
    revised.node("series")["payload"] = {"title": "Beacon"}
    revised.g.graph["version"] = 1
    run.save_plan(revised)
    assert run.load_plan().payload("series") == {"title": "Beacon"}
    assert any("Beacon" in line for line in diff_plans(plan_at(run, 0), plan_at(run, None)))

    undo(run, run.events())
    assert (run.path / DB_NAME).exists()  # the store stays, but it is older than plan.json now
    assert run.load_plan().payload("series") == {"title": "Lamp"}
    store = PlanStore(run.path)
    restored = run.load_plan()
    restored.node("series")["status"] = "stale"
    restored.touch("series")
    store.save(restored)  # the first save after undo writes the restored plan in full
    store.close()
    assert run.load_plan().payload("series") == {"title": "Lamp"}
    assert run.load_plan().node("series")["status"] == "stale"
