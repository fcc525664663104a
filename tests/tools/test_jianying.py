"""JianYing/CapCut draft: read back, every segment where the .otio of the same cut has it."""

from __future__ import annotations

import json
from pathlib import Path

import opentimelineio as otio
import pytest
from support.media import pattern_clip

from reelwright.tools.ffmpeg import run_ffmpeg
from reelwright.tools.jianying import PLACEHOLDER, DraftError, read_draft, us, write_draft
from reelwright.tools.timeline import TimelineLine, TimelineShot, build_timeline

FPS = 30


@pytest.fixture()
def shots(tmp_path: Path) -> list[TimelineShot]:
    media = tmp_path / "media"
    media.mkdir()
    clips = []
    for i in range(3):
        p = media / f"sh{i}.mp4"
        pattern_clip(p, i + 2)
        clips.append(p)
    still = media / "frame.png"
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=white:s=108x192", "-frames:v", "1", str(still)])
    wavs = []
    for i, seconds in enumerate((1.2, 0.9, 1.4)):
        w = media / f"line{i}.wav"
        run_ffmpeg(["-f", "lavfi", "-i", f"sine=duration={seconds}:sample_rate=48000", str(w)])
        wavs.append(w)
    return [
        TimelineShot(
            shot_id="1.1.1",
            scene_id="1.1",
            clip=clips[0],
            duration=2.0,
            lines=[
                TimelineLine(
                    path=wavs[0], start=0.25, duration=1.2, speaker="A", text="You came late."
                )
            ],
        ),
        TimelineShot(
            shot_id="1.1.2",
            scene_id="1.1",
            clip=clips[1],
            duration=1.7,
            transition_out="dissolve",
            lines=[
                TimelineLine(path=wavs[1], start=0.1, duration=0.9, speaker="B", text="你来晚了。")
            ],
        ),
        TimelineShot(shot_id="1.2.1", scene_id="1.2", clip=still, duration=1.37),
        TimelineShot(
            shot_id="1.2.2",
            scene_id="1.2",
            clip=clips[2],
            duration=2.33,
            lines=[
                TimelineLine(
                    path=wavs[2],
                    start=0.3,
                    duration=1.4,
                    speaker="A",
                    text="The sea does not wait.",
                ),
                TimelineLine(path=wavs[0], start=0.9, duration=1.2, speaker="B", text="Then row."),
            ],
        ),
    ]


def _frames(item: otio.core.Item) -> tuple[int, int]:
    r = item.range_in_parent()
    return round(r.start_time.to_frames()), round(r.duration.to_frames())


def test_draft_matches_the_otio_timeline(shots: list[TimelineShot], tmp_path: Path) -> None:
    out = write_draft(shots, tmp_path / "episode_01.jianying", width=108, height=192, fps=FPS)
    draft = read_draft(out)
    tl = build_timeline(shots, [], fps=FPS)
    video = [_frames(c) for c in tl.video_tracks()[0].find_clips()]
    lines = sorted(
        (_frames(c), c.metadata["reelwright"]["text"])
        for t in tl.audio_tracks()
        for c in t.find_clips()
    )
    assert (draft.width, draft.height, draft.fps) == (108, 192, 30)
    assert len(draft.of("video")) == len(video) == 4
    assert len(draft.of("audio")) == len(lines) == 4
    assert len(draft.of("text")) == len(lines)
    for seg, (start, dur) in zip(draft.of("video"), video, strict=True):
        assert (seg.start_us, seg.end_us) == (us(start, FPS), us(start + dur, FPS))
    for seg, ((start, dur), _) in zip(draft.of("audio"), lines, strict=True):
        assert seg.start_us == us(start, FPS)
        assert us(start + dur, FPS) - seg.end_us < 1_000_000 / FPS  # never past its frames
    for seg, ((start, dur), words) in zip(draft.of("text"), lines, strict=True):
        assert (seg.start_us, seg.end_us, seg.text) == (us(start, FPS), us(start + dur, FPS), words)
    # the video track is gapless, the draft as long as the cut
    v = draft.of("video")
    assert all(a.end_us == b.start_us for a, b in zip(v, v[1:], strict=False))
    assert draft.duration_us == v[-1].end_us == us(round(tl.duration().to_frames()), FPS)
    # overlapping lines stack on a second audio track, as in the .otio
    assert {s.track for s in draft.of("audio")} == {"A1", "A2"} and len(tl.audio_tracks()) == 2


def test_media_inside_the_folder_and_listed(shots: list[TimelineShot], tmp_path: Path) -> None:
    out = write_draft(shots, tmp_path / "ep.jianying", width=108, height=192, fps=FPS)
    draft = read_draft(out)
    used = {s.media for s in draft.segments if s.media}
    assert all(p.is_file() and out in p.parents for p in used)
    assert set(draft.media) == used and len(used) == 7  # 3 clips, 1 still, 3 wavs
    content = json.loads((out / "draft_content.json").read_text(encoding="utf-8"))
    assert all(m["path"].startswith(PLACEHOLDER) for m in content["materials"]["videos"])
    assert str(tmp_path) not in json.dumps(content)  # relocatable: no absolute paths
    meta = json.loads((out / "draft_meta_info.json").read_text(encoding="utf-8"))
    assert meta["draft_name"] == "ep.jianying" and meta["tm_duration"] == draft.duration_us
    assert not (tmp_path / "ep.jianying.part").exists()


def test_rewriting_replaces_and_a_broken_draft_says_why(
    shots: list[TimelineShot], tmp_path: Path
) -> None:
    out = write_draft(shots, tmp_path / "ep.jianying", width=108, height=192)
    write_draft(shots[:2], out, width=108, height=192)
    assert len(read_draft(out).of("video")) == 2
    next(out.glob("materials/audio/*.wav")).unlink()
    with pytest.raises(DraftError, match="missing"):
        read_draft(out)
    (out / "draft_content.json").write_bytes(b"\x8a\x01encrypted")
    with pytest.raises(DraftError, match="not plain JSON"):
        read_draft(out)
