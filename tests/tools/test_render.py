"""Episode render: exact length with transitions, voices in place, captions visible and
inside the vertical safe area."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import srt

from reelwright.tools.ffmpeg import ffmpeg_exe, probe, run_ffmpeg
from reelwright.tools.render import AudioPlacement, CutShot, plan_frames, render_episode
from reelwright.tools.subtitles import Cue, caption_layout, write_srt

W, H, FPS = 216, 384, 30


def _clip(path: Path, source: str) -> Path:
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            source,
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ]
    )
    return path


def _tone(path: Path, seconds: float) -> Path:
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:sample_rate=48000:duration={seconds}",
            "-ac",
            "1",
            str(path),
        ]
    )
    return path


def _frame(mp4: Path, t: float, w: int = W, h: int = H) -> np.ndarray:
    raw = subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-ss",
            f"{t:.3f}",
            "-i",
            str(mp4),
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
    return np.frombuffer(raw, dtype=np.uint8).reshape(h, w, 3).astype(np.int16)


def _audio(mp4: Path) -> np.ndarray:
    raw = subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(mp4),
            "-map",
            "0:a",
            "-ac",
            "1",
            "-ar",
            "48000",
            "-f",
            "s16le",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float64)


@pytest.fixture(scope="module")
def episode(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[CutShot], list[Cue]]:
    d = tmp_path_factory.mktemp("ep")
    red = _clip(d / "red.mp4", f"color=c=red:s={W}x{H}:r={FPS}:d=3")
    # shorter than its shot (last frame held), another size and frame rate (scaled, resampled)
    blue = _clip(d / "blue.mp4", "color=c=blue:s=320x240:r=25:d=1")
    green = _clip(d / "green.mp4", f"testsrc=s={W}x{H}:r={FPS}:d=4")
    shots = [
        CutShot(
            shot_id="1.1.1",
            clip=red,
            duration=2.0,
            transition_out="dissolve",
            audio=[AudioPlacement(path=_tone(d / "a.wav", 1.0), start=0.5)],
        ),
        CutShot(shot_id="1.1.2", clip=blue, duration=1.7, transition_out="fade"),
        CutShot(
            shot_id="1.2.1",
            clip=green,
            duration=2.33,
            audio=[AudioPlacement(path=_tone(d / "b.wav", 0.5), start=1.0)],
        ),
    ]
    cues = [
        Cue(start=0.5, end=1.5, text="You came late."),
        Cue(start=4.0, end=5.9, text="你来晚了。"),
    ]
    out = render_episode(shots, d / "out dir: 'odd'" / "ep01.mp4", width=W, height=H, cues=cues)
    return out, shots, cues


def test_size_codecs_and_exact_length(episode: tuple[Path, list[CutShot], list[Cue]]) -> None:
    mp4, shots, _ = episode
    info = probe(mp4, exact=True)
    assert (info.width, info.height) == (W, H)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert info.fps == FPS
    total = sum(s.duration for s in shots)
    assert info.frames == round(total * FPS)
    assert info.duration == pytest.approx(total, abs=1 / FPS)
    assert probe(mp4).duration == pytest.approx(total, abs=1 / FPS)


def test_transitions_dissolve_and_fade(episode: tuple[Path, list[CutShot], list[Cue]]) -> None:
    mp4, _, _ = episode
    centre = (slice(20, 120), slice(20, 190))
    before = _frame(mp4, 1.0)[centre].mean(axis=(0, 1))
    mid_dissolve = _frame(mp4, 2.0)[centre].mean(axis=(0, 1))
    after = _frame(mp4, 3.0)[centre].mean(axis=(0, 1))
    assert before[0] > 200 and before[2] < 50  # red
    assert after[2] > 200 and after[0] < 50  # blue (the held 1 s clip)
    assert 60 < mid_dissolve[0] < 200 and 60 < mid_dissolve[2] < 200  # both at once
    at_fade = _frame(mp4, 3.7)[centre].mean()
    assert at_fade < 40  # through black
    assert _frame(mp4, 4.6)[centre].mean() > 80  # the green testsrc shot is up


def test_voices_at_their_positions_and_audio_covers_episode(
    episode: tuple[Path, list[CutShot], list[Cue]],
) -> None:
    mp4, shots, _ = episode
    x = _audio(mp4)
    total = sum(s.duration for s in shots)
    assert x.size / 48000 == pytest.approx(total, abs=0.05)

    def rms(a: float, b: float) -> float:
        seg = x[int(a * 48000) : int(b * 48000)]
        return float(np.sqrt((seg**2).mean()))

    assert rms(0.0, 0.45) < 50  # silence before the first line
    assert rms(0.6, 1.4) > 1000  # the line, 0.5 s into shot 1
    assert rms(1.6, 4.6) < 50
    assert rms(4.75, 5.15) > 1000  # 1.0 s into shot 3, which starts at 3.7 s
    assert rms(5.4, total) < 50


def test_srt_cues_inside_video(
    episode: tuple[Path, list[CutShot], list[Cue]], tmp_path: Path
) -> None:
    mp4, _, cues = episode
    subs = list(srt.parse(write_srt(cues, tmp_path / "ep.srt").read_text(encoding="utf-8")))
    length = probe(mp4, exact=True).duration
    assert subs and all(
        0 <= s.start.total_seconds() < s.end.total_seconds() <= length for s in subs
    )


def test_frames_plan_is_exact_for_many_odd_shots() -> None:
    shots = [
        CutShot(
            shot_id=str(i),
            clip=Path("x.mp4"),
            duration=1.0 + (i % 7) * 0.337,
            transition_out=("cut", "dissolve", "fade")[i % 3],
        )
        for i in range(31)
    ]
    plan = plan_frames(shots, FPS)
    assert sum(plan.frames) == round(sum(s.duration for s in shots) * FPS)
    assert plan.kinds[-1] != "dissolve"


def test_chinese_subtitle_is_visible_and_in_the_safe_area(tmp_path: Path) -> None:
    w, h = 360, 640
    clip = _clip(tmp_path / "grey.mp4", f"color=c=0x505860:s={w}x{h}:r={FPS}:d=2")
    shots = [CutShot(shot_id="1", clip=clip, duration=2.0)]
    plain = render_episode(shots, tmp_path / "plain.mp4", width=w, height=h)
    sea = render_episode(
        shots,
        tmp_path / "sea.mp4",
        width=w,
        height=h,
        cues=[Cue(start=0, end=2, text="海浪太大了，妈妈还在船上！")],
    )
    man = render_episode(
        shots,
        tmp_path / "man.mp4",
        width=w,
        height=h,
        cues=[Cue(start=0, end=2, text="他是谁？我们为什么要走？")],
    )
    a, b, c = (_frame(p, 1.0, w, h) for p in (plain, sea, man))
    lay = caption_layout(w, h)
    box = (slice(h // 2, lay.bottom), slice(lay.margin_l, w - lay.margin_r))
    diff = np.abs(b - a).sum(axis=2)
    assert (diff[box] > 60).sum() > 400  # glyph pixels drawn in the caption box
    # Real glyphs, not tofu: different characters give different pictures.
    assert (np.abs(b - c).sum(axis=2)[box] > 60).sum() > 200
    # Nothing in the bottom quarter or the right-hand button column.
    assert (diff[int(h * 0.75) :, :] > 60).sum() == 0
    assert (diff[:, w - lay.margin_r + 4 :] > 60).sum() == 0


def test_a_still_frame_works_as_a_clip(tmp_path: Path) -> None:
    still = tmp_path / "frame.png"
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=white:s=90x160", "-frames:v", "1", str(still)])
    clip = _clip(tmp_path / "c.mp4", f"color=c=yellow:s={W}x{H}:r={FPS}:d=1")
    shots = [
        CutShot(shot_id="1", clip=still, duration=1.4, transition_out="dissolve"),
        CutShot(shot_id="2", clip=clip, duration=0.8, transition_out="fade"),
    ]
    out = render_episode(shots, tmp_path / "still.mp4", width=W, height=H)
    assert probe(out, exact=True).frames == 66
    assert _frame(out, 0.5).mean() > 240  # the still, scaled up and held
    assert _frame(out, 1.8).mean() > 120  # the yellow shot
    assert _frame(out, 2.15).mean() < 40  # the last frame: the episode fades out
