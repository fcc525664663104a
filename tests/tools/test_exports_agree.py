"""Every export of a cut agrees with the rendered MP4 to the frame: .otio, .edl, FCP
.xml, .srt and the JianYing draft put each shot and line where the picture and the
sound have it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest
import srt

from reelwright.tools.ffmpeg import ffmpeg_exe, probe, run_ffmpeg
from reelwright.tools.jianying import read_draft, us, write_draft
from reelwright.tools.pacing import speech_from_audio
from reelwright.tools.render import AudioPlacement, CutShot, plan_frames, render_episode
from reelwright.tools.subtitles import Cue, write_srt
from reelwright.tools.timeline import TimelineLine, TimelineShot, write_timeline

W, H, FPS = 72, 128, 30
COLOURS = {"red": (255, 0, 0), "lime": (0, 255, 0), "blue": (0, 0, 255), "white": (255, 255, 255)}


@pytest.fixture(scope="module")
def cut(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    d = tmp_path_factory.mktemp("cut")
    clips = {}
    for name in COLOURS:
        p = d / f"{name}.mp4"
        run_ffmpeg(
            [
                "-f",
                "lavfi",
                "-i",
                f"color=c={name}:s={W}x{H}:r={FPS}:d=3",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                str(p),
            ]
        )
        clips[name] = p
    tone = d / "line.wav"
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=500:sample_rate=48000:duration=0.8",
            "-ac",
            "1",
            str(tone),
        ]
    )
    plan = [("red", 1.37, [0.25]), ("lime", 2.03, [0.4]), ("blue", 0.9, []), ("white", 1.6, [0.3])]
    shots, tl, cues, t = [], [], [], 0.0
    for i, (name, seconds, starts) in enumerate(plan):
        sid = f"1.1.{i + 1}"
        shots.append(
            CutShot(
                shot_id=sid,
                clip=clips[name],
                duration=seconds,
                audio=[AudioPlacement(path=tone, start=s) for s in starts],
            )
        )
        tl.append(
            TimelineShot(
                shot_id=sid,
                scene_id="1.1",
                clip=clips[name],
                duration=seconds,
                lines=[
                    TimelineLine(path=tone, start=s, duration=0.8, text=f"{sid}") for s in starts
                ],
            )
        )
        cues += [Cue(start=t + s, end=t + s + 0.8, text=sid) for s in starts]
        t += seconds
    mp4 = render_episode(shots, d / "episode_01.mp4", width=W, height=H, preset="ultrafast")
    write_srt(cues, d / "episode_01.srt")
    write_timeline(tl, [], d / "episode_01.otio", fps=FPS, name="episode_01")
    write_draft(tl, d / "episode_01.jianying", width=W, height=H, fps=FPS)
    return {"dir": d, "mp4": mp4, "shots": shots, "names": [p[0] for p in plan]}


def _rgb(mp4: Path, frame: int) -> np.ndarray:
    raw = subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(mp4),
            "-vf",
            f"select=eq(n\\,{frame})",
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(H, W, 3).mean(axis=(0, 1))


def _starts(track: otio.schema.Track) -> list[int]:
    return [round(c.range_in_parent().start_time.to_frames()) for c in track.find_clips()]


def test_shot_boundaries_are_where_the_picture_changes(cut: dict[str, object]) -> None:
    mp4, shots = Path(str(cut["mp4"])), list(cut["shots"])  # type: ignore[call-overload]
    plan = plan_frames(shots, FPS)
    frames = probe(mp4, exact=True).frames
    assert frames == plan.starts[-1] + plan.frames[-1]
    for i, name in enumerate(list(cut["names"])):  # type: ignore[call-overload]
        want = np.array(COLOURS[name])
        assert np.abs(_rgb(mp4, plan.starts[i]) - want).max() < 40, (name, "first frame")
        last = plan.starts[i] + plan.frames[i] - 1
        assert np.abs(_rgb(mp4, last) - want).max() < 40, (name, "last frame")


def test_otio_edl_xml_and_draft_put_shots_on_the_same_frames(cut: dict[str, object]) -> None:
    d, mp4 = Path(str(cut["dir"])), Path(str(cut["mp4"]))
    plan = plan_frames(list(cut["shots"]), FPS)  # type: ignore[call-overload]
    frames = probe(mp4, exact=True).frames
    tl = otio.adapters.read_from_file(str(d / "episode_01.otio"))
    edl = otio.adapters.read_from_file(str(d / "episode_01.edl"), rate=FPS)
    xml = otio.adapters.read_from_file(str(d / "episode_01.xml"))
    for timeline in (tl, edl, xml):
        assert round(timeline.duration().to_frames()) == frames
        assert _starts(timeline.video_tracks()[0]) == plan.starts
    draft = read_draft(d / "episode_01.jianying")
    assert [s.start_us for s in draft.of("video")] == [us(f, FPS) for f in plan.starts]
    assert draft.duration_us == us(frames, FPS)


def test_lines_srt_and_draft_text_are_where_the_voice_is(cut: dict[str, object]) -> None:
    d, mp4 = Path(str(cut["dir"])), Path(str(cut["mp4"]))
    tl = otio.adapters.read_from_file(str(d / "episode_01.otio"))
    lines = sorted(s for t in tl.audio_tracks() for s in _starts(t))
    heard = [round(s.start * FPS) for s in speech_from_audio(mp4, min_silence=0.2)]
    cues = list(srt.parse((d / "episode_01.srt").read_text(encoding="utf-8")))
    subs = [round(c.start.total_seconds() * FPS) for c in cues]
    draft = read_draft(d / "episode_01.jianying")
    texts = [round(s.start_us * FPS / 1e6) for s in draft.of("text")]
    assert len(lines) == len(heard) == len(subs) == len(texts) == 3
    assert subs == lines == texts
    assert all(abs(a - b) <= 1 for a, b in zip(heard, lines, strict=True))  # the mix, to a frame
    length = probe(mp4, exact=True).duration
    assert all(c.end.total_seconds() <= length for c in cues)
