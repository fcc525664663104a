"""People in the loop: revise only what a note touches, undo exactly, see the diff."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from cli_helpers import run_cli, scripted_endpoint
from fake_story import scene, takes

from reelwright.events import read_events


def revise_with(replies: dict[str, list[object]], *args: str) -> subprocess.CompletedProcess[str]:
    """`reelwright revise ARGS` against an endpoint that serves these scripted replies."""
    with scripted_endpoint({"replies": replies}) as endpoint:
        return run_cli("revise", *args, "--llm", endpoint.llm, env=endpoint.env)


def snapshot(run: Path, pattern: str) -> dict[str, bytes]:
    return {
        str(p.relative_to(run)): p.read_bytes() for p in sorted(run.glob(pattern)) if p.is_file()
    }


def episode_files(run: Path, ep: int) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for pattern in (
        f"frames/shot_{ep}_*.png",
        f"clips/shot_{ep}_*.mp4",
        f"audio/line_{ep}_*",
        f"episode_{ep:02d}.*",
        f"script/episode_{ep:02d}.*",
        f"shots/episode_{ep:02d}.csv",
    ):
        files.update(snapshot(run, pattern))
    return files


def fresh_calls(run: Path, after_seq: int) -> list[dict[str, object]]:
    return [
        e
        for e in read_events(run / "events.jsonl")
        if e["seq"] > after_seq and e["type"] == "llm_call" and not e["cache_hit"]
    ]


def last_seq(run: Path) -> int:
    return max(e["seq"] for e in read_events(run / "events.jsonl"))


def test_shot_note_touches_only_that_shot(run_copy: Path, tmp_path: Path) -> None:
    runs = str(run_copy.parent)
    shot = json.loads((run_copy / "plan.json").read_text())
    edited = {
        "size": "ECU",
        "angle": "low",
        "move": "push in",
        "lens_mm": 85,
        "duration": 2.0,
        "characters": [{"name": "Mei", "position": "center"}],
        "description": "Mei's trembling hands around the jade bracelet",
        "performance": "barely holding on",
        "emotion": "dread",
        "lines": [],
        "transition": "cut",
    }
    ep1_before = episode_files(run_copy, 1)
    plan_before = (run_copy / "plan.json").read_bytes()
    frame_before = (run_copy / "frames" / "shot_2_1_3.png").read_bytes()
    seq = last_seq(run_copy)
    result = revise_with(
        {"Shot@shot:2.1.3": [edited]},
        run_copy.name,
        "make it a low-angle extreme close-up",
        "--node",
        "shot:2.1.3",
        "--yes",
        "--runs-dir",
        runs,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "edit" in result.stderr and "model call" in result.stderr
    assert len(fresh_calls(run_copy, seq)) == 1
    assert episode_files(run_copy, 1) == ep1_before, "episode 1 is byte-identical"
    assert (run_copy / "frames" / "shot_2_1_3.png").read_bytes() != frame_before
    notes = [e for e in read_events(run_copy / "events.jsonl") if e["type"] == "human_note"]
    assert notes and notes[-1]["note"] == "make it a low-angle extreme close-up"
    assert shot  # the plan was readable before the revision

    diff = run_cli("runs", "diff", run_copy.name, "--runs-dir", runs)
    assert "shot changed  shot:2.1.3" in diff.stdout and "ECU" in diff.stdout

    undone = run_cli("undo", run_copy.name, "--runs-dir", runs)
    assert undone.returncode == 0, undone.stderr
    assert (run_copy / "plan.json").read_bytes() == plan_before
    assert (run_copy / "frames" / "shot_2_1_3.png").read_bytes() == frame_before


def test_note_without_node_is_mapped_and_unknown_ids_are_asked_again(
    run_copy: Path, tmp_path: Path
) -> None:
    runs = str(run_copy.parent)
    new_scene = scene("en", 2, 2)
    new_scene["lines"][3]["text"] = "Take the jade bracelet, and come back to me."
    new_scene["lines"][3]["emotion"] = "loving"
    replies = {
        "ChangePlan": [
            {"changes": [{"node": "scene:9.9", "instruction": "x"}]},
            {"changes": [{"node": "scene:2.2", "instruction": "soften her goodbye"}]},
        ],
        "Scene@scene:2.2": [new_scene],
        "CriticReport": [{"issues": []}] * 4,
        "PlanVerdict": [{"answer": "no", "quote": "", "fact": ""}],
        "Takes": [takes()],
    }
    ep1_before = episode_files(run_copy, 1)
    seq = last_seq(run_copy)
    result = revise_with(
        replies,
        run_copy.name,
        "make the mother's goodbye in episode 2 softer",
        "--yes",
        "--runs-dir",
        runs,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    calls = fresh_calls(run_copy, seq)
    schemas = [c["schema_name"] for c in calls]
    assert schemas.count("ChangePlan") == 2, "the unknown id was rejected and asked again"
    assert "Scene" in schemas
    assert "bracelet, and come back" in (run_copy / "episode_02.srt").read_text(encoding="utf-8")
    assert episode_files(run_copy, 1) == ep1_before
