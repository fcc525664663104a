"""Plan a long series through the local OpenAI-compatible stub and stop before rendering.

    .venv/bin/python bench/bench_series.py [--episodes 80] [--scenes 4] [--kill]

The stub answers at once (0 ms latency), so what is left is the engine (ready
set, hashing, expansion, events, the run store) and the agents' own code.
Prints: total seconds, nodes, engine time per node and its share of the wall,
and store write time per node at three graph sizes, against rewriting plan.json.
With --kill: a second run is started as `reelwright make --plan-only`, killed
with SIGKILL at a random moment, resumed, and checked: no node finished before
the kill ran again.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fake_story import story_script  # noqa: E402
from openai_stub import openai_stub  # noqa: E402

from reelwright import pipeline  # noqa: E402
from reelwright.events import read_events  # noqa: E402
from reelwright.plan import Plan  # noqa: E402
from reelwright.plan_store import PlanStore, load_plan  # noqa: E402
from reelwright.recipe import DRAMA
from reelwright.scheduler import Scheduler  # noqa: E402
from reelwright.settings import RunSettings  # noqa: E402

PREMISE = "A young fisherman battles the raging sea to save his mother"
SIZES = (150, 1500, 6000)


class TimedStore(PlanStore):
    saves: list[tuple[int, int, float]] = []  # graph size, nodes written, seconds

    def save(self, plan: Plan) -> None:
        written = len(self._dirty) if plan is self._plan else len(plan)
        t0 = time.perf_counter()
        super().save(plan)
        TimedStore.saves.append((len(plan), max(written, 1), time.perf_counter() - t0))


class TimedScheduler(Scheduler):
    """The engine's own time: everything the scheduler's loop does that is not a job.

    Wall time in the loop's own code counts the waits for the GIL while agent threads
    run; CPU time of the loop's thread (time.thread_time) does not.
    """

    engine_s = 0.0
    engine_cpu_s = 0.0

    def _timed(self, call: Any, *args: Any) -> None:
        t0, c0 = time.perf_counter(), time.thread_time()
        try:
            call(*args)
        finally:
            TimedScheduler.engine_s += time.perf_counter() - t0
            TimedScheduler.engine_cpu_s += time.thread_time() - c0

    def _submit_ready(self, *args: Any) -> None:
        self._timed(super()._submit_ready, *args)

    def _finish(self, *args: Any) -> None:
        self._timed(super()._finish, *args)


def plan_series(episodes: int, scenes: int, seconds: float, keep: Path | None = None) -> None:
    script = story_script(episodes=episodes, lang="en", scenes=scenes)
    pipeline.PlanStore = TimedStore  # type: ignore[misc]
    pipeline.Scheduler = TimedScheduler  # type: ignore[misc]
    with tempfile.TemporaryDirectory() as tmp, openai_stub(script["replies"]) as (url, state):
        tmp = str(keep) if keep else tmp
        os.environ.update(OPENAI_BASE_URL=url, OPENAI_API_KEY="sk-bench")
        settings = RunSettings(
            premise=PREMISE,
            episodes=episodes,
            episode_seconds=seconds,
            llm="openai:stub-model",
        )
        started = time.perf_counter()
        run = pipeline.start(settings, Path(tmp) / "runs", DRAMA)
        outcome = pipeline.execute(run, settings, DRAMA, plan_only=True)
        wall = time.perf_counter() - started
        plan = run.load_plan()
        report = (
            (run.path / "report.html").stat().st_size if (run.path / "report.html").exists() else 0
        )
        ran = outcome.done
        print(f"planned {episodes} episodes of {seconds:.0f} s, {scenes} scenes each")
        print(
            f"  nodes in the plan      {len(plan)} ({plan.count('done')} done, "
            f"{plan.count('failed')} failed; {len(state.requests)} model calls)"
        )
        print(f"  wall                   {wall:.1f} s for {ran} nodes run")
        engine, cpu = TimedScheduler.engine_s, TimedScheduler.engine_cpu_s
        print(
            f"  engine, wall           {engine:.2f} s = {engine / ran * 1000:.2f} ms per node, "
            f"{engine / wall:.1%} of wall"
        )
        print(
            f"  engine, CPU            {cpu:.2f} s = {cpu / ran * 1000:.2f} ms per node, "
            f"{cpu / wall:.1%} of wall"
        )
        saves = TimedStore.saves
        total = sum(s for _, _, s in saves)
        print(f"  store writes           {len(saves)} saves, {total:.2f} s in all")
        for size in SIZES:
            near = [(w, s) for n, w, s in saves if size * 0.7 <= n <= size * 1.3]
            if near:
                per_save = statistics.median(s for _, s in near) * 1000
                per_node = statistics.median(s / w for w, s in near) * 1000
                print(
                    f"    at ~{size:>5} nodes    {per_save:.2f} ms per save, {per_node:.3f} ms "
                    f"per node written (medians of {len(near)} saves)"
                )
        print(f"  report.html            {report / 1e6:.1f} MB")
        if keep:
            print(f"  run kept in            {run.path}")
        for node_id in outcome.failed[:3]:
            print(f"  FAILED {node_id}: {str(plan.node(node_id)['error'])[:600]}")


def synthetic(nodes: int) -> Plan:
    plan = Plan()
    plan.add("series", "series", "writer", payload={"title": "t" * 400})
    i = 0
    while len(plan) < nodes:
        i += 1
        plan.add(f"scene:{i}.1", "scene", "writer", ["series"], payload={"text": "x" * 1500})
    return plan


def store_vs_json() -> None:
    """One node changes, then the run is saved: the store against a whole plan.json."""
    print("store write per node (one node changed per save), median of 200 saves:")
    for size in SIZES:
        plan = synthetic(size)
        with tempfile.TemporaryDirectory() as tmp:
            store = PlanStore(Path(tmp))
            store.save(plan)
            ids = plan.ids("scene")
            sqlite_s, json_s = [], []
            for k in range(200):
                node = ids[k % len(ids)]
                plan.node(node)["version"] += 1
                plan.touch(node)
                t0 = time.perf_counter()
                store.save(plan)
                sqlite_s.append(time.perf_counter() - t0)
                if k < 20:
                    t0 = time.perf_counter()
                    plan.save(Path(tmp) / "plan.json")
                    json_s.append(time.perf_counter() - t0)
            store.close()
        print(
            f"  {size:>5} nodes: SQLite {statistics.median(sqlite_s) * 1000:6.2f} ms   "
            f"whole plan.json {statistics.median(json_s) * 1000:7.2f} ms"
        )


def kill_and_resume(episodes: int, scenes: int, seconds: float, seed: int) -> None:
    rng = random.Random(seed)
    script = story_script(episodes=episodes, lang="en", scenes=scenes)
    # a call in flight at the kill is asked again on resume (its reply died with the
    # process), so the stub keeps a second copy of every reply
    replies = {key: list(value) * 2 for key, value in script["replies"].items()}
    with tempfile.TemporaryDirectory() as tmp, openai_stub(replies) as (url, state):
        runs = Path(tmp) / "runs"
        env = {**os.environ, "OPENAI_BASE_URL": url, "OPENAI_API_KEY": "sk-bench"}
        cli = [sys.executable, "-m", "reelwright.cli"]
        proc = subprocess.Popen(
            [*cli, "make", PREMISE, "--episodes", str(episodes), "--episode-seconds",
             str(seconds), "--llm", "openai:stub-model", "--runs-dir", str(runs), "--plan-only"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        while not (runs.exists() and any(runs.iterdir())):
            time.sleep(0.05)
        run = next(runs.iterdir())
        while load_plan(run).count("done") < 3:  # the bible and some outlines
            time.sleep(0.1)
        delay = rng.uniform(1.0, 90.0)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        before = load_plan(run)
        done_before = {
            n: before.node(n)["version"] for n in before.ids() if before.node(n)["status"] == "done"
        }
        events = list(read_events(run / "events.jsonl"))
        seq_at_kill = max((e["seq"] for e in events), default=0)
        in_flight = {e["node"] for e in events if e["type"] == "node_started"} - {
            e["node"] for e in events if e["type"] in ("node_done", "node_failed")
        }
        calls_at_kill = len(state.requests)
        t0 = time.perf_counter()
        result = subprocess.run(
            [*cli, "resume", run.name, "--runs-dir", str(runs), "--plan-only"],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        after = load_plan(run)
        again = [
            e["node"] for e in read_events(run / "events.jsonl")
            if e["seq"] > seq_at_kill and e["type"] == "node_started" and e["node"] in done_before
        ]  # fmt: skip
        changed = [n for n, v in done_before.items() if after.node(n)["version"] != v]
        print(
            f"kill -9 after {delay:.1f} s: {len(done_before)} of {len(before)} nodes done; "
            f"resume exit {result.returncode} in {time.perf_counter() - t0:.1f} s, "
            f"{after.count('done')} done, {len(state.requests) - calls_at_kill} model calls"
        )
        print(
            f"  finished nodes run again: {len(again)}; finished nodes changed: {len(changed)}; "
            f"in flight at the kill (asked again): {len(in_flight)}"
        )
        if result.returncode:
            print(result.stderr[-1500:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--episodes", type=int, default=80)
    parser.add_argument("--scenes", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--kill", action="store_true", help="also kill -9 a run and resume it")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--keep", type=Path, help="plan into this folder and keep the run")
    args = parser.parse_args()
    store_vs_json()
    plan_series(args.episodes, args.scenes, args.seconds, args.keep)
    if args.kill:
        kill_and_resume(args.episodes, args.scenes, args.seconds, args.seed)


if __name__ == "__main__":
    main()
