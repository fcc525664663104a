"""The SQLite plan store: saves only what changed, survives kill -9, plan.json stays the export."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import networkx as nx

from reelwright.plan import Plan
from reelwright.plan_store import DB_NAME, PlanStore, load_plan


def small_plan(episodes: int = 3) -> Plan:
    plan = Plan()
    plan.add("series", "series", "writer")
    for ep in range(1, episodes + 1):
        plan.add(f"episode:{ep}", "episode", "writer", ["series"])
        for sc in range(1, 4):
            plan.add(f"scene:{ep}.{sc}", "scene", "writer", [f"episode:{ep}"])
            plan.add(f"shotlist:{ep}.{sc}", "shotlist", "director", [f"scene:{ep}.{sc}"])
        plan.add(f"cut:{ep}", "cut", "editor", [f"episode:{ep}"])
        plan.link(f"shotlist:{ep}.1", f"cut:{ep}", order_only=True)
    return plan


def graph_of(plan: Plan) -> tuple[dict[str, object], set[tuple[str, str, bool]], dict[str, object]]:
    nodes = {n: dict(d) for n, d in plan.g.nodes(data=True)}
    edges = {(s, d, bool(a.get("order_only"))) for s, d, a in plan.g.edges(data=True)}
    return nodes, edges, dict(plan.g.graph)


def test_incremental_saves_round_trip(tmp_path: Path) -> None:
    plan = small_plan()
    plan.g.graph["episodes"] = 3
    store = PlanStore(tmp_path)
    store.save(plan)
    node = plan.node("scene:2.1")
    node.update(status="done", payload={"action": "Rain on the pier."}, version=1)
    plan.touch("scene:2.1")
    plan.add("shot:2.1.1", "shot", "cinematographer", ["shotlist:2.1"])
    plan.remove(["scene:3.3", "shotlist:3.3"])
    store.save(plan)
    store.close()

    loaded = load_plan(tmp_path)
    assert graph_of(loaded) == graph_of(plan)
    assert loaded.payload("scene:2.1") == {"action": "Rain on the pier."}
    assert "scene:3.3" not in loaded

    # a node removed and made again with the same edges (a regenerated outline)
    store = PlanStore(tmp_path)
    plan = load_plan(tmp_path)
    store.save(plan)
    plan.remove(["scene:1.2", "shotlist:1.2"])
    store.save(plan)
    plan.add("scene:1.2", "scene", "writer", ["episode:1"])
    plan.add("shotlist:1.2", "shotlist", "director", ["scene:1.2"])
    store.save(plan)
    store.close()
    assert graph_of(load_plan(tmp_path)) == graph_of(plan)
    assert load_plan(tmp_path).inputs("shotlist:1.2") == ["scene:1.2"]


def test_a_save_writes_only_the_changed_nodes(tmp_path: Path) -> None:
    plan = small_plan(episodes=150)  # about 1,350 nodes
    store = PlanStore(tmp_path)
    store.save(plan)
    db = store._conn()
    before = db.total_changes
    plan.node("scene:77.2")["status"] = "done"
    plan.touch("scene:77.2")
    store.save(plan)
    # the node row, its one in-edge deleted and written back, and the graph attributes
    assert db.total_changes - before <= 4
    store.close()
    assert load_plan(tmp_path).node("scene:77.2")["status"] == "done"


def test_export_writes_plan_json_that_networkx_reads(tmp_path: Path) -> None:
    plan = small_plan()
    store = PlanStore(tmp_path)
    store.export(plan)
    store.close()
    data = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    graph = nx.node_link_graph(data, directed=True, edges="edges")
    assert set(graph.nodes) == set(plan.g.nodes)


def test_the_store_wins_until_plan_json_is_replaced(tmp_path: Path) -> None:
    plan = small_plan()
    store = PlanStore(tmp_path)
    store.export(plan)
    plan.node("series")["status"] = "done"
    plan.touch("series")
    store.save(plan)
    store.close()
    assert load_plan(tmp_path).node("series")["status"] == "done"  # newer than plan.json

    older = small_plan(episodes=1)  # as undo does: an earlier plan.json comes back
    older.save(tmp_path / "plan.json")
    loaded = load_plan(tmp_path)
    assert len(loaded) == len(older) and loaded.node("series")["status"] == "pending"


def test_a_run_with_only_plan_json_still_opens(tmp_path: Path) -> None:
    plan = small_plan()
    plan.save(tmp_path / "plan.json")
    assert not (tmp_path / DB_NAME).exists()
    assert graph_of(load_plan(tmp_path))[0].keys() == graph_of(plan)[0].keys()


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from reelwright.plan import Plan
    from reelwright.plan_store import PlanStore

    run = Path(sys.argv[1])
    plan = Plan()
    plan.add("series", "series", "writer")
    store = PlanStore(run)
    store.export(plan)
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        plan.add(f"episode:{n}", "episode", "writer", ["series"], payload={"n": n})
        plan.node(f"episode:{n}")["status"] = "done"
        if n > 3:
            plan.remove([f"episode:{n - 3}"])
        store.save(plan)
    """
)


def test_kill_9_while_saving_leaves_a_consistent_plan(tmp_path: Path) -> None:
    rng = random.Random(7)
    for attempt in range(3):
        run = tmp_path / f"run{attempt}"
        run.mkdir()
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(run)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        plan = load_plan(run)
        episodes = plan.ids("episode")
        assert len(episodes) <= 3, episodes  # every save's removals and additions, or none
        numbers = sorted(int(e.split(":")[1]) for e in episodes)
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True
        for episode in episodes:
            assert plan.node(episode)["status"] == "done"
            assert plan.inputs(episode) == ["series"]
        with sqlite3.connect(run / DB_NAME) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
