"""What a user gets from `reelwright make`: checked file by file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import srt
from cli_helpers import SECONDS

from reelwright.events import read_events
from reelwright.plan import Plan
from reelwright.tools.ffmpeg import probe


def test_run_leaves_a_complete_plan_and_event_log(stub_run: dict[str, object]) -> None:
    run = Path(str(stub_run["run"]))
    plan = Plan.load(run / "plan.json")
    assert len(plan) > 50
    assert all(node["status"] == "done" for node in plan.iter_nodes())
    for node in plan.iter_nodes():
        assert {"id", "kind", "status", "owner", "version", "payload", "inputs_hash"} <= set(node)
    events = list(read_events(run / "events.jsonl"))
    types = {e["type"] for e in events}
    assert {
        "run_started",
        "node_started",
        "node_done",
        "llm_call",
        "tool_call",
        "critique",
        "run_done",
    } <= types
    calls = [e for e in events if e["type"] == "llm_call"]
    assert len(calls) == stub_run["calls"], "every endpoint call is logged"
    first = calls[0]
    assert first["messages"] and first["response"] and first["tokens_in"] == 100
    assert first["model"] == "openai:stub-model" and "latency_s" in first


def test_secrets_never_reach_the_run_folder(stub_run: dict[str, object]) -> None:
    run = Path(str(stub_run["run"]))
    assert all("sk-stub-secret" in a for a in stub_run["auth"]), "the key was sent"  # type: ignore[union-attr]
    for path in run.rglob("*"):
        if path.is_file() and path.suffix in {".json", ".jsonl", ".toml", ".md", ".html", ".csv"}:
            assert "sk-stub-secret" not in path.read_text(encoding="utf-8", errors="ignore"), path


def test_progress_on_stderr_and_the_run_folder_last_on_stdout(stub_run: dict[str, object]) -> None:
    run = Path(str(stub_run["run"]))
    assert str(stub_run["stdout"]).strip().splitlines() == [str(run)]
    assert (run / "run.toml").is_file()
    stderr = str(stub_run["stderr"])
    for label in ("all nodes", "writer", "director", "cinematographer", "editor", "eta"):
        assert label in stderr, label


def test_episode_video_matches_shot_list(stub_run: dict[str, object]) -> None:
    run = Path(str(stub_run["run"]))
    for ep in (1, 2):
        info = probe(run / f"episode_{ep:02d}.mp4")
        assert (info.width, info.height) == (1080, 1920)
        assert info.video_codec == "h264" and info.audio_codec == "aac"
        rows = list(csv.DictReader((run / "shots" / f"episode_{ep:02d}.csv").open()))
        assert len(rows) >= 4
        total = sum(float(r["duration"]) for r in rows)
        assert abs(info.duration - total) <= 1 / 30 + 1e-3
        assert abs(total - SECONDS) <= 0.1 * SECONDS, "the episode fits its target length"
        cues = list(srt.parse((run / f"episode_{ep:02d}.srt").read_text(encoding="utf-8")))
        assert cues and all(c.end.total_seconds() <= info.duration + 1e-3 for c in cues)
        assert rows[0]["hook"] == "1" and rows[-1]["cliffhanger"] == "1"


def test_every_dialogue_line_is_covered_once(stub_run: dict[str, object]) -> None:
    run = Path(str(stub_run["run"]))
    plan = Plan.load(run / "plan.json")
    for scene_id in plan.ids("scene"):
        key = scene_id.split(":")[1]
        covered = [n for shot in plan.payload(f"shotlist:{key}")["shots"] for n in shot["lines"]]
        assert sorted(covered) == list(range(1, len(plan.payload(scene_id)["lines"]) + 1))


def test_writers_room_outputs(stub_run: dict[str, object]) -> None:
    from reelwright.tools.screenplay import read_fountain_counts

    run = Path(str(stub_run["run"]))
    assert "# The Raging Sea" in (run / "series.md").read_text(encoding="utf-8")
    for ep in (1, 2):
        headings, dialogue = read_fountain_counts(run / "script" / f"episode_{ep:02d}.fountain")
        assert headings == 3 and dialogue == 12
        assert (run / "script" / f"episode_{ep:02d}.pdf").read_bytes().startswith(b"%PDF")
        assert b"<FinalDraft" in (run / "script" / f"episode_{ep:02d}.fdx").read_bytes()
    report = json.loads((run / "continuity.json").read_text(encoding="utf-8"))
    assert report["rounds"] and "dropped_ungrounded" in report
    assert (run / "continuity.md").read_text(encoding="utf-8").startswith("# Continuity")


def test_frames_are_distinct_and_full_size(stub_run: dict[str, object]) -> None:
    from PIL import Image

    run = Path(str(stub_run["run"]))
    frames = sorted((run / "frames").glob("shot_1_*.png"))
    rows = list(csv.DictReader((run / "shots" / "episode_01.csv").open()))
    assert len(frames) == len(rows)
    digests = set()
    for path in frames:
        with Image.open(path) as image:
            assert image.size == (1080, 1920)
            digests.add(image.tobytes()[::997])
    assert len(digests) == len(frames), "every shot has its own frame"


def test_timeline_has_a_clip_per_shot(stub_run: dict[str, object]) -> None:
    import opentimelineio as otio

    run = Path(str(stub_run["run"]))
    timeline = otio.adapters.read_from_file(str(run / "episode_01.otio"))
    clips = [c for c in timeline.video_tracks()[0] if isinstance(c, otio.schema.Clip)]
    rows = list(csv.DictReader((run / "shots" / "episode_01.csv").open()))
    assert len(clips) == len([r for r in rows if r["cut"] != "dropped by the editor"])
    assert (run / "episode_01.edl").exists() and (run / "episode_01.xml").exists()


def test_runs_show_list_and_log(stub_run: dict[str, object]) -> None:
    from cli_helpers import run_cli

    run = Path(str(stub_run["run"]))
    runs = str(stub_run["runs"])
    listed = run_cli("runs", "list", "--runs-dir", runs)
    assert run.name in listed.stdout and "done" in listed.stdout
    shown = run_cli("runs", "show", run.name, "--runs-dir", runs)
    assert "writer" in shown.stdout and "director" in shown.stdout
    log = run_cli(
        "runs", "log", run.name, "--runs-dir", runs, "--agent", "director", "--type", "llm_call"
    )
    lines = log.stdout.strip().splitlines()
    assert lines and all("llm_call" in line and "director" in line for line in lines)


def test_architecture_page_draws_the_graph_a_run_makes(stub_run: dict[str, object]) -> None:
    """docs/architecture.md shows the recipe's graph; a change to the recipe must update it."""
    plan = Plan.load(Path(str(stub_run["run"])) / "plan.json")
    page = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text()
    assert plan.kinds_mermaid() in page


def test_pacing_is_measured_and_the_jianying_draft_matches_the_otio(
    stub_run: dict[str, object],
) -> None:
    import opentimelineio as otio
    from cli_helpers import run_cli

    from reelwright.tools.jianying import read_draft, us

    run = Path(str(stub_run["run"]))
    plan = Plan.load(run / "plan.json")
    for ep in (1, 2):
        cut = plan.payload(f"cut:{ep}")
        pacing = cut["pacing"]
        heard = pacing["audio"]
        assert heard["source"] == "audio" and heard["total_s"] == cut["seconds"]
        sent = {b["kind"] for b in pacing["sent_back"]}
        for problem in heard["problems"]:  # what is left was sent back, by name
            assert problem["kind"] in ("too_short", "too_long", "no_tail_line") or sent, problem
        assert heard["first_line_s"] <= 3.0 or "late_hook" in sent
        timeline = otio.adapters.read_from_file(str(run / cut["otio"]))
        draft = read_draft(run / cut["jianying"])
        video = list(timeline.video_tracks()[0].find_clips())
        lines = sorted(
            round(c.range_in_parent().start_time.to_frames())
            for t in timeline.audio_tracks()
            for c in t.find_clips()
        )
        assert [s.start_us for s in draft.of("video")] == [
            us(round(c.range_in_parent().start_time.to_frames()), 30) for c in video
        ]
        assert [s.start_us for s in draft.of("audio")] == [us(f, 30) for f in lines]
        assert [s.start_us for s in draft.of("text")] == [us(f, 30) for f in lines]
    shown = run_cli("runs", "show", run.name, "--runs-dir", str(stub_run["runs"]))
    assert "pacing   cut:1" in shown.stdout and "first spoken line" in shown.stdout
