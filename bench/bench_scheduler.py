"""Scheduler overhead per node on a 1,000-node synthetic graph.

    .venv/bin/python bench/bench_scheduler.py [--nodes 1000]

Jobs do no work, so the time is the engine's own: ready-set computation,
hashing inputs, event log lines, and (second figure) saving plan.json
atomically after every node, as a real run does.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from reelwright.events import EventLog
from reelwright.plan import Plan
from reelwright.scheduler import Job, Scheduler


def synthetic(nodes: int) -> Plan:
    """A drama-shaped graph: series -> episodes -> scenes -> shots -> frames -> clips."""
    plan = Plan()
    plan.add("series", "series", "writer")
    count, ep = 1, 0
    while count < nodes:
        ep += 1
        plan.add(f"episode:{ep}", "episode", "writer", ["series"])
        count += 1
        for sc in range(1, 6):
            plan.add(f"scene:{ep}.{sc}", "scene", "writer", [f"episode:{ep}"])
            count += 1
            for n in range(1, 7):
                key = f"{ep}.{sc}.{n}"
                plan.add(f"shot:{key}", "shot", "director", [f"scene:{ep}.{sc}"])
                plan.add(f"frame:{key}", "frame", "cinematographer", [f"shot:{key}"])
                plan.add(f"clip:{key}", "clip", "cinematographer", [f"frame:{key}"])
                count += 3
                if count >= nodes:
                    return plan
    return plan


def run(nodes: int, save: bool) -> tuple[int, float]:
    plan = synthetic(nodes)
    jobs = {
        k: Job(lambda ctx: {"id": ctx.node_id}, "cpu")
        for k in ("series", "episode", "scene", "shot", "frame", "clip")
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        sched = Scheduler(
            plan,
            jobs,
            EventLog(Path(tmp) / "events.jsonl", "bench"),
            limits={"cpu": 4},
            save=(lambda p: p.save(path)) if save else None,
            services=None,
        )
        started = time.perf_counter()
        outcome = sched.run()
        return outcome.done, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=1000)
    args = parser.parse_args()
    for save in (False, True):
        done, seconds = run(args.nodes, save)
        label = "with plan.json saved after every node" if save else "engine only"
        print(
            f"{done} nodes, {label}: {seconds:.2f} s total, {seconds / done * 1000:.2f} ms per node"
        )


if __name__ == "__main__":
    main()
