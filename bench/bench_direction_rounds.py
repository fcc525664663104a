"""Planning an episode against a remote endpoint: sequential model rounds and prompt size.

    .venv/bin/python bench/bench_direction_rounds.py [--latency 0.3] [--scenes 3 6]

Serves the scripted story from the local OpenAI-compatible stub on 127.0.0.1, each
reply after `--latency` seconds, and plans one episode (bible, outline, scenes,
critique, shot lists: `make --review` and `resume` up to the shots gate) with
`--shots taste` (code lays out coverage, the model picks looks) and `--shots full`
(the model plans whole shot lists). Prints per case: model calls, sequential
rounds, prompt characters per planned shot (director calls, and the whole planning). A round is a
group of calls that overlap in time (parallel scenes are one round); model-busy
seconds also count client overhead, so they grow with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).parent))

import openai_stub  # noqa: E402
from fake_story import shotlist, story_script  # noqa: E402
from run_figures import model_figures, read, stamp  # noqa: E402

PREMISE = "A young fisherman battles the raging sea to save his mother"


def slow_state(latency: float) -> type[openai_stub.StubState]:
    class SlowState(openai_stub.StubState):
        def reply_for(self, body: dict[str, Any], node: str | None) -> Any:
            time.sleep(latency)
            return super().reply_for(body, node)

    return SlowState


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "reelwright.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env)


def overlap_groups(events: list[dict[str, Any]]) -> int:
    """Groups of model calls that overlap in time: each group is one round."""
    spans = sorted(
        (stamp(e) - float(e["latency_s"]), stamp(e))
        for e in events
        if e["type"] == "llm_call" and not e.get("cache_hit")
    )
    groups, end = 0, float("-inf")
    for a, b in spans:
        if a >= end:
            groups += 1
        end = max(end, b)
    return groups


def plan_episode(scenes: int, shots: str, latency: float) -> dict[str, Any]:
    script = story_script(episodes=1, lang="en", scenes=scenes)
    replies = script["replies"]
    replies["ShotList"] = [shotlist("en")] * scenes
    openai_stub.StubState = slow_state(latency)  # type: ignore[misc]
    with tempfile.TemporaryDirectory() as tmp, openai_stub.openai_stub(replies) as (url, _):
        env = {**os.environ, "OPENAI_BASE_URL": url, "OPENAI_API_KEY": "stub"}
        # 15 s a scene: what the fixture's four lines voice, so no scene is grown and
        # the rounds counted are planning rounds (a thin scene adds a mend round). Six
        # scenes need 180 s, which the fixture's scenes cannot fill: measured with the
        # mend round, 9 rounds (issue 11's note).
        seconds = str(15 * scenes)
        made = cli(
            "make", PREMISE, "--episodes", "1", "--episode-seconds", seconds,
            "--llm", "openai:stub-model", "--shots", shots, "--review",
            "--runs-dir", tmp, env=env,
        )  # fmt: skip
        run = Path(made.stdout.strip().splitlines()[-1])
        for _ in range(2):  # past the bible and scripts gates, up to the shots gate
            cli("resume", run.name, "--runs-dir", tmp, env=env)
        events = read(run)
        plan = json.loads((run / "plan.json").read_text())
    planned = sum(
        len(n["payload"]["shots"])
        for n in plan["nodes"]
        if n["kind"] == "shotlist" and n["payload"]
    )
    director = [
        e for e in events if e["type"] == "llm_call" and e.get("prompt", "").startswith("director")
    ]
    director_chars = sum(len(m["content"]) for c in director for m in c["messages"])
    figures = model_figures(events)
    return {
        "scenes": scenes,
        "shots_mode": shots,
        "model_calls": figures["model_calls"],
        "failed_replies": figures["failed_replies"],
        "sequential_rounds": overlap_groups(events),
        "model_busy_s": figures["model_busy_s"],
        "planned_shots": planned,
        "director_prompt_chars_per_shot": round(director_chars / planned) if planned else None,
        "planning_prompt_chars_per_shot": round(figures["prompt_chars"] / planned)
        if planned
        else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--scenes", type=int, nargs="+", default=[3])
    args = parser.parse_args()
    for scenes in args.scenes:
        for shots in ("taste", "full"):
            print(json.dumps(plan_episode(scenes, shots, args.latency)))


if __name__ == "__main__":
    main()
