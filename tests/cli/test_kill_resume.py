"""kill -9 in the middle of a run, then resume: nothing done is redone."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from cli_helpers import PREMISE, run_cli, scripted_endpoint
from fake_story import story_script

from reelwright.events import read_events
from reelwright.plan import Plan
from reelwright.plan_store import load_plan

EXPECTED_CALLS = 1 + 1 + 3 + 3 + 2 + 3  # bible, outline, scenes, plan questions, critics, shots


def done_nodes(run: Path) -> int:
    """Read live from the run store, as `runs show` does while a run is going."""
    try:
        return load_plan(run).count("done")
    except (OSError, ValueError, sqlite3.Error):
        return 0


def test_kill_9_halfway_then_resume(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    with scripted_endpoint(story_script(episodes=1, delay_s=0.4), concurrency=1) as endpoint:
        _kill_then_resume(runs, endpoint.llm, endpoint.env)


def _kill_then_resume(runs: Path, llm: str, env: dict[str, str]) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reelwright.cli",
            "make",
            PREMISE,
            "--episodes",
            "1",
            "--episode-seconds",
            "30",
            "--pacing-rounds",
            "0",  # a scene sent back by the cut is redone on purpose: not what this counts
            "--llm",
            llm,
            "--runs-dir",
            str(runs),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
    )
    deadline = time.monotonic() + 120
    run: Path | None = None
    while time.monotonic() < deadline:
        found = [p for p in runs.glob("*") if p.is_dir()] if runs.exists() else []
        if found and done_nodes(found[0]) >= 8:  # outline and some scenes written
            run = found[0]
            break
        time.sleep(0.05)
    assert run is not None, "the run never got going"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    before = load_plan(run)  # a killed run stays loadable
    done_before = {n for n in before.ids() if before.node(n)["status"] == "done"}
    assert 0 < len(done_before) < len(before) or before.node("critique:series")["status"] != "done"

    result = run_cli("resume", run.name, "--runs-dir", str(runs), env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    after = Plan.load(run / "plan.json")  # the export, written at the end of the run
    assert all(node["status"] == "done" for node in after.iter_nodes())
    for node_id in done_before:
        assert after.node(node_id)["version"] == before.node(node_id)["version"], node_id
    calls = [
        e
        for e in read_events(run / "events.jsonl")
        if e["type"] == "llm_call" and not e["cache_hit"]
    ]
    assert len(calls) <= EXPECTED_CALLS * 1.15, f"{len(calls)} calls for {EXPECTED_CALLS}"
    assert (run / "episode_01.mp4").exists()
