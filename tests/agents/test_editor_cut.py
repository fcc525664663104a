"""The editor's cut node on a planted episode: a slow opening and a dead stretch are
reported as critique events, repaired in the MP4 (heard), and what cannot be repaired
is sent back by name; every export follows the repaired cut."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import opentimelineio as otio
import pytest
import srt

from reelwright.agents.editor import cut_episode
from reelwright.agents.schemas import Issue
from reelwright.events import EventLog, read_events
from reelwright.plan import Plan
from reelwright.repair_loop import expand_cut
from reelwright.scheduler import NodeContext
from reelwright.tools.ffmpeg import probe, run_ffmpeg
from reelwright.tools.jianying import read_draft

# (shot, seconds, lines): the issue's episode 1 in small, 2.5 s wide and 6 s "listening"
# close-up before the first line, then three silent shots in the middle
PLANTED = [
    ("1.1.1", 2.5, 0),
    ("1.1.2", 6.0, 0),
    ("1.1.3", 3.0, 1),
    ("1.1.4", 4.0, 1),
    ("1.2.1", 6.0, 0),
    ("1.2.2", 6.0, 0),
    ("1.2.3", 5.0, 0),
    ("1.2.4", 3.5, 1),
    ("1.2.5", 2.2, 1),
]


def _shot_payload(sid: str, seconds: float, line_ids: list[str], last: bool) -> dict[str, object]:
    return {
        "size": "CU",
        "angle": "eye level",
        "move": "static",
        "lens_mm": 50,
        "duration": seconds,
        "characters": [],
        "description": "x",
        "performance": "x",
        "emotion": "calm",
        "lines": [],
        "transition": "cut",
        "id": sid,
        "scene": sid.rsplit(".", 1)[0],
        "hook": sid == "1.1.1",
        "cliffhanger": last,
        "line_ids": line_ids,
        "prompt": "a hut",
        "location": "hut",
    }


def _planted(tmp_path: Path, pacing_rounds: int) -> tuple[NodeContext[Any], Plan]:
    """The planted episode's plan, and the cut node's context over it."""
    still = tmp_path / "frames" / "still.png"
    still.parent.mkdir()
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=0x405060:s=72x128", "-frames:v", "1", str(still)])
    (tmp_path / "audio").mkdir()
    plan = Plan()
    plan.add("cut:1", "cut", "editor")
    for scene in ("1.1", "1.2"):
        plan.add(f"shotlist:{scene}", "shotlist", "director")
        plan.node(f"shotlist:{scene}")["payload"] = {"shots": []}
    plan.node("shotlist:1.2")["payload"]["short_of_material"] = "one line for a 15 s beat"
    n = 0
    for i, (sid, seconds, lines) in enumerate(PLANTED):
        line_ids = []
        for _ in range(lines):
            n += 1
            lid = f"{sid.rsplit('.', 1)[0]}.{n}"
            wav = tmp_path / "audio" / f"line_{n}.wav"
            run_ffmpeg(
                [
                    "-f",
                    "lavfi",
                    "-i",
                    "sine=frequency=300:sample_rate=48000:duration=1.5",
                    "-ac",
                    "1",
                    str(wav),
                ]
            )
            plan.add(f"line:{lid}", "line", "editor")
            plan.node(f"line:{lid}")["payload"] = {
                "path": f"audio/{wav.name}",
                "seconds": 1.5,
                "speaker": "Lin",
                "text": f"Line {n}.",
            }
            line_ids.append(lid)
        for kind, payload in (
            ("shot", _shot_payload(sid, seconds, line_ids, i == len(PLANTED) - 1)),
            ("clip", {"path": "frames/still.png", "duration": seconds}),
        ):
            plan.add(f"{kind}:{sid}", kind, "cinematographer")
            plan.node(f"{kind}:{sid}")["payload"] = payload
    events = EventLog(tmp_path / "events.jsonl", "test")
    settings = SimpleNamespace(
        size=(72, 128), fps=30, episode_seconds=30.0, lang="en", pacing_rounds=pacing_rounds,
        video="animatic", images="storyboard", voices="offline",
    )  # fmt: skip
    services = SimpleNamespace(settings=settings, run=SimpleNamespace(path=tmp_path))
    return NodeContext("cut:1", plan, threading.RLock(), events, "editor", services), plan


@pytest.fixture(scope="module")
def cut(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path]:
    """The cut with no send-back rounds left: it renders and names what it cannot fix."""
    tmp_path = tmp_path_factory.mktemp("run")
    ctx, _ = _planted(tmp_path, pacing_rounds=0)
    return cut_episode(ctx), tmp_path


def test_planted_slow_opening_and_dead_air_reported_and_repaired(
    cut: tuple[dict[str, object], Path],
) -> None:
    payload, run = cut
    pacing = payload["pacing"]
    assert isinstance(pacing, dict)
    before = {p["kind"] for p in pacing["before"]["problems"]}
    assert {"slow_opening", "dead_air"} <= before
    assert pacing["before"]["first_line_s"] == pytest.approx(8.75)
    heard = pacing["audio"]
    assert heard["first_line_s"] <= 3.0
    assert not {"slow_opening", "dead_air"} & {p["kind"] for p in heard["problems"]}
    critiques = [e for e in read_events(run / "events.jsonl") if e["type"] == "critique"]
    first = next(e for e in critiques if e["source"] == "pacing")
    assert first["node"] == "cut:1" and first["round"] == 1 and first["found"] >= 2
    assert {"slow_opening", "dead_air"} <= {i["kind"] for i in first["issues"]}
    # the MP4, the subtitles and the timeline follow the repaired cut
    info = probe(run / "episode_01.mp4", exact=True)
    assert info.duration == pytest.approx(float(str(payload["seconds"])), abs=1 / 30)
    cues = list(srt.parse((run / "episode_01.srt").read_text(encoding="utf-8")))
    assert cues[0].start.total_seconds() <= 3.0 and len(cues) == 4
    tl = otio.adapters.read_from_file(str(run / "episode_01.otio"))
    assert tl.duration().to_seconds() == pytest.approx(info.duration, abs=1 / 30)
    draft = read_draft(run / "episode_01.jianying")
    assert len(draft.of("video")) == len(list(tl.video_tracks()[0].find_clips()))
    assert len(draft.of("audio")) == len(draft.of("text")) == 4


def test_what_cannot_be_fixed_is_sent_back_by_name(cut: tuple[dict[str, object], Path]) -> None:
    payload, run = cut
    sent = payload["pacing"]["sent_back"]  # type: ignore[index]
    assert {(b["node"], b["sent_to"]) for b in sent} >= {("scene:1.2", "writer")}
    assert any("one line for a 15 s beat" in b["detail"] for b in sent)
    final = [e for e in read_events(run / "events.jsonl") if e.get("source") == "pacing:sent_back"]
    assert len(final) == 1 and final[0]["node"] == "cut:1"
    assert {i["node"] for i in final[0]["issues"]} >= {"scene:1.2"}
    assert json.dumps(final[0]["sent_back"])  # plain JSON in the log


def test_a_thin_scene_goes_back_to_its_writer_once_before_rendering(tmp_path: Path) -> None:
    ctx, plan = _planted(tmp_path, pacing_rounds=1)
    plan.add("scene:1.2", "scene", "writer")
    plan.node("scene:1.2").update(status="done", payload={"revision": 1})
    first = cut_episode(ctx)
    # the scene is sent back instead of rendering a cut that its rewrite makes stale
    assert not (tmp_path / "episode_01.mp4").exists()
    resend = first["resend"]
    assert "scene:1.2" in resend and all(k.startswith("scene:1.") for k in resend)
    issues = [Issue.model_validate(i) for i in resend["scene:1.2"]]
    assert "short_of_material" in {i.kind for i in issues}
    assert any("one line for a 15 s beat" in i.evidence for i in issues)

    plan.node("cut:1").update(status="done", payload=first)
    expand_cut(plan, "cut:1")
    scene = plan.node("scene:1.2")
    assert scene["status"] == "stale"
    assert plan.node("cut:1")["status"] == "stale", "the cut renders later, rewrite or not"
    assert scene["notes"]["round"] == 2  # its writer's second version
    assert scene["notes"]["issues"] == resend["scene:1.2"]
    scene["status"] = "done"
    expand_cut(plan, "cut:1")  # the same round is never sent twice (a resume)
    assert scene["status"] == "done"

    # The rerun has spent its round: it renders, and shows the cut before the rewrite.
    second = cut_episode(ctx)
    assert (tmp_path / "episode_01.mp4").is_file() and "resend" not in second
    assert second["sendback_rounds"] == 1
    pacing = second["pacing"]
    assert pacing["first"] == first["pacing"]["before"]
    assert {b["node"] for b in pacing["rewritten"]} == set(resend)
    # media made again later (another executor, a revision elsewhere): no new round
    plan.node("cut:1")["payload"] = second
    again = cut_episode(ctx)
    assert "resend" not in again and again["sendback_rounds"] == 1
