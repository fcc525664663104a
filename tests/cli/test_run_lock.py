"""One writer per run: a second make/resume/revise/undo refuses; a kill -9 frees the run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from cli_helpers import PREMISE, run_cli

from reelwright import pipeline
from reelwright.recipe import DRAMA
from reelwright.runlock import RunInUse, hold
from reelwright.settings import RunSettings

HOLDER = textwrap.dedent(
    """
    import sys, time
    from reelwright.runlock import hold
    with hold(sys.argv[1], "make"):
        print("holding", flush=True)
        time.sleep(120)
    """
)


def start_holder(run: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(run)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    return proc


def new_run(tmp_path: Path) -> Path:
    settings = RunSettings(premise=PREMISE, llm="openai:stub-model")
    return pipeline.start(settings, tmp_path / "runs", DRAMA).path


def test_a_second_writer_is_refused_while_the_first_holds_the_run(tmp_path: Path) -> None:
    run = new_run(tmp_path)
    holder = start_holder(run)
    try:
        env = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "x"}
        for args in (
            ("resume", run.name),
            ("revise", run.name, "make it rain", "--node", "series", "--yes"),
            ("undo", run.name),
        ):
            result = run_cli(*args, "--runs-dir", str(run.parent), env=env, timeout=120)
            assert result.returncode == 2, (args, result.stderr)
            assert f"run {run.name} is in use by `make` (pid {holder.pid}" in result.stderr
            assert "Traceback" not in result.stderr
        # nothing was started: the refused commands wrote no events
        events = (run / "events.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(events) == 1 and '"run_started"' in events[0]
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_the_lock_does_not_outlive_a_kill_9(tmp_path: Path) -> None:
    run = new_run(tmp_path)
    holder = start_holder(run)
    try:
        try:
            with hold(run, "resume"):
                raise AssertionError("the lock was taken twice")
        except RunInUse as exc:
            assert "in use by `make`" in str(exc)
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
    with hold(run, "resume"):  # free at once: the kernel dropped the dead process's lock
        assert (run / ".lock").exists()
