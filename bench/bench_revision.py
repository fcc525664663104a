"""Model calls for a revision, as a fraction of a full run's calls.

    .venv/bin/python bench/bench_revision.py [--episodes 2]

Runs a whole series on the scripted story (real media backends), then three
revisions, each undone before the next: one shot, one scene, one character.
Goals: a shot at most 5% of a full run, a scene at most 25%, a character change
less than a full run.
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fake_story import scene, story_script, takes  # noqa: E402
from support.fake_llm import ScriptedModel  # noqa: E402

from reelwright import pipeline, revise, versions  # noqa: E402
from reelwright.events import read_events  # noqa: E402
from reelwright.recipe import DRAMA  # noqa: E402
from reelwright.settings import RunSettings  # noqa: E402
from reelwright.store import RunDir  # noqa: E402


def fresh_calls(run: RunDir, after: int = 0) -> int:
    return sum(
        1
        for e in read_events(run.events_path)
        if e["seq"] > after and e["type"] == "llm_call" and not e["cache_hit"]
    )


def last_seq(run: RunDir) -> int:
    return max(e["seq"] for e in read_events(run.events_path))


def scripted(replies: dict[str, list[Any]]) -> ScriptedModel:
    model = ScriptedModel()
    for key, items in replies.items():
        schema, _, node = key.partition("@")
        model.add(schema, *items, node=node or None)
    return model


def measure(
    run: RunDir, settings: RunSettings, nodes: list[str], note: str, replies: dict[str, list[Any]]
) -> tuple[int, float]:
    seq = last_seq(run)
    started = time.monotonic()
    proposal = revise.propose(run, settings, note, nodes, DRAMA, backend=scripted(replies))
    outcome = revise.apply(run, settings, proposal, DRAMA)
    assert outcome is not None and outcome.ok, outcome
    calls = fresh_calls(run, seq)
    versions.undo(run, run.events())
    return calls, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--episodes", type=int, default=3)
    args = parser.parse_args()
    script = story_script(episodes=args.episodes)
    with tempfile.TemporaryDirectory() as tmp:
        settings = RunSettings(
            premise="A young fisherman battles the raging sea to save his mother",
            episodes=args.episodes,
            episode_seconds=45,
            llm="fake:bench",
        )
        run = pipeline.start(settings, Path(tmp), DRAMA)
        started = time.monotonic()
        outcome = pipeline.execute(run, settings, DRAMA, backend=scripted(script["replies"]))
        assert outcome.ok, outcome
        full = fresh_calls(run)
        print(
            f"full run: {full} model calls, {time.monotonic() - started:.0f} s "
            f"({args.episodes} episodes)"
        )
        plan = run.load_plan()
        shot = copy.deepcopy(plan.payload("shotlist:2.1")["shots"][2])
        shot.update(size="ECU", angle="low", description="her hands around the bracelet")
        new_scene = scene("en", 2, 2)
        new_scene["lines"][3]["text"] = "Take the jade bracelet, and come back to me."
        mei = copy.deepcopy(plan.payload("series")["characters"][1])
        mei.update(age=29, role="older sister", look="sharp face, black braid, red raincoat")
        cases = [
            ("one shot", ["shot:2.1.3"], {"Shot@shot:2.1.3": [shot]}),
            (
                "one scene",
                ["scene:2.2"],
                {
                    "Scene@scene:2.2": [new_scene],
                    "CriticReport": [{"issues": []}] * 8,
                    "Takes": [takes()],
                },
            ),
            (
                "one character",
                ["character:mei"],
                {"Character@character:mei": [mei], "CriticReport": [{"issues": []}] * 8},
            ),
        ]
        for label, nodes, replies in cases:
            calls, seconds = measure(run, settings, nodes, f"bench: change {label}", replies)
            print(
                f"{label:<14} {calls:>3} calls = {calls / full:6.1%} of a full run, {seconds:.0f} s"
            )


if __name__ == "__main__":
    main()
