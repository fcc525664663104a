"""Timeline export: .otio with clips, lines and markers; EDL and FCP XML that parse."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest
from support.media import pattern_clip

from reelwright.tools.ffmpeg import run_ffmpeg
from reelwright.tools.timeline import (
    TimelineLine,
    TimelineMarker,
    TimelineShot,
    build_timeline,
    scene_start_markers,
    write_timeline,
)


@pytest.fixture()
def shots(tmp_path: Path) -> list[TimelineShot]:
    clips = []
    for i in range(3):
        p = tmp_path / f"sh{i}.mp4"
        pattern_clip(p, i + 2)
        clips.append(p)
    wav = tmp_path / "line.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=duration=1.2:sample_rate=48000", str(wav)])
    return [
        TimelineShot(
            shot_id="1.1.1",
            scene_id="1.1",
            clip=clips[0],
            duration=2.0,
            transition_out="dissolve",
            metadata={"prompt": "a storm at sea"},
            lines=[
                TimelineLine(path=wav, start=0.3, duration=1.2, speaker="A", text="You came late.")
            ],
        ),
        TimelineShot(
            shot_id="1.1.2",
            scene_id="1.1",
            clip=clips[1],
            duration=1.7,
            transition_out="fade",
            lines=[TimelineLine(path=wav, start=0.0, duration=1.2, speaker="B", text="你来晚了。")],
        ),
        TimelineShot(shot_id="1.2.1", scene_id="1.2", clip=clips[2], duration=2.33),
    ]


MARKERS = [
    TimelineMarker(name="hook", time=0.0, kind="hook"),
    TimelineMarker(name="scene 1.2", time=3.7, kind="scene"),
    TimelineMarker(name="cliffhanger", time=3.7, kind="cliffhanger", duration=2.33),
]


def test_otio_round_trip(shots: list[TimelineShot], tmp_path: Path) -> None:
    paths = write_timeline(shots, MARKERS, tmp_path / "ep01.otio", name="Episode 1")
    assert [p.suffix for p in paths] == [".otio", ".edl", ".xml"]
    tl = otio.adapters.read_from_file(str(paths[0]))
    assert tl.name == "Episode 1"
    clips = list(tl.video_tracks()[0].find_clips())
    assert [c.name for c in clips] == ["1.1.1", "1.1.2", "1.2.1"]
    assert clips[0].metadata["reelwright"]["prompt"] == "a storm at sea"
    assert clips[2].metadata["reelwright"]["scene_id"] == "1.2"
    assert clips[1].media_reference.target_url.startswith("file:///")
    assert tl.duration().to_seconds() == pytest.approx(6.03, abs=1 / 30)
    assert len(tl.video_tracks()[0].find_children(descended_from_type=otio.schema.Transition)) == 1
    # voiced lines, each at its shot's start + offset
    lines = [c for t in tl.audio_tracks() for c in t.find_clips()]
    starts = sorted(round(c.range_in_parent().start_time.to_seconds(), 2) for c in lines)
    assert starts == [0.3, 2.0]
    assert {c.metadata["reelwright"]["text"] for c in lines} == {"You came late.", "你来晚了。"}
    names = {m.name: m for m in tl.tracks.markers}
    assert set(names) == {"hook", "scene 1.2", "cliffhanger"}
    assert names["cliffhanger"].color == otio.schema.MarkerColor.RED
    assert names["scene 1.2"].marked_range.start_time.to_seconds() == pytest.approx(3.7)


def test_edl_and_xml_parse(shots: list[TimelineShot], tmp_path: Path) -> None:
    paths = write_timeline(shots, MARKERS, tmp_path / "ep01.otio")
    edl = otio.adapters.read_from_file(str(tmp_path / "ep01.edl"), rate=30)
    assert edl.duration().to_seconds() == pytest.approx(6.03, abs=1 / 30)
    assert {m.name.lower() for c in edl.find_clips() for m in c.markers} >= {
        "hook",
        "scene 1.2",
        "cliffhanger",
    }
    xml = otio.adapters.read_from_file(str(tmp_path / "ep01.xml"))
    assert [c.name for c in xml.video_tracks()[0].find_clips()] == ["1.1.1", "1.1.2", "1.2.1"]
    assert len(xml.tracks.markers) == 3
    assert tmp_path / "ep01.xml" in paths


def test_overlapping_lines_go_to_a_second_audio_track(shots: list[TimelineShot]) -> None:
    shots[0].lines.append(shots[0].lines[0].model_copy(update={"start": 0.8}))
    tl = build_timeline(shots, [])
    assert len(tl.audio_tracks()) == 2
    assert sum(len(list(t.find_clips())) for t in tl.audio_tracks()) == 3


def test_scene_start_markers(shots: list[TimelineShot]) -> None:
    marks = scene_start_markers(shots)
    assert [(m.name, round(m.time, 3), m.kind) for m in marks] == [
        ("scene 1.1", 0.0, "scene"),
        ("scene 1.2", 3.7, "scene"),
    ]
    shots[0].metadata["source"] = Path("/x/y.png")  # not JSON: stored as its string
    clip = next(iter(build_timeline(shots, marks).video_tracks()[0].find_clips()))
    assert clip.metadata["reelwright"]["source"] == "/x/y.png"
