"""Pacing figures from a cut's timeline and from its audio."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelwright.tools.ffmpeg import run_ffmpeg
from reelwright.tools.pacing import PacedShot, SpeechSpan, measure, silences, speech_from_audio


def _shots(*lengths: float, beats: dict[int, str] | None = None) -> list[PacedShot]:
    out, t = [], 0.0
    for i, d in enumerate(lengths):
        out.append(
            PacedShot(
                shot_id=f"1.1.{i + 1}",
                scene_id="1.1",
                start=t,
                duration=d,
                beat=(beats or {}).get(i, ""),
            )
        )
        t += d
    return out


def test_figures_of_a_cut() -> None:
    shots = _shots(2.0, 3.0, 5.0, 2.0)  # 12 s
    speech = [
        SpeechSpan(start=0.5, end=1.5),
        SpeechSpan(start=1.4, end=2.5),
        SpeechSpan(start=9.0, end=11.0),
    ]
    f = measure(shots, speech, target=12.0)
    assert f.first_line_s == 0.5 and f.last_line_end_s == 11.0 and f.tail_line
    assert f.longest_silence_s == 6.5 and f.longest_silence_at == 2.5
    assert f.longest_silence_shots == ["1.1.2", "1.1.3"]
    assert f.lines == 3 and f.lines_per_minute == 15.0
    assert (f.shot_min_s, f.shot_median_s, f.shot_max_s) == (2.0, 2.5, 5.0)
    assert f.speech_share == pytest.approx(4.0 / 12, abs=1e-3)
    assert [p.kind for p in f.problems] == ["dead_air"]
    assert [g.where for g in silences(shots, speech, 12.0)] == ["opening", "middle", "tail"]


def test_limits_hook_tail_length_and_marked_beats() -> None:
    shots = _shots(4.0, 6.0, 6.0, 4.0, beats={1: "the wave hits"})
    speech = [SpeechSpan(start=3.5, end=5.0), SpeechSpan(start=10.0, end=11.0)]
    f = measure(shots, speech, target=30.0)
    kinds = {p.kind for p in f.problems}
    assert kinds == {"slow_opening", "no_tail_line", "too_short"}  # the 5 s gap is the beat's
    slow = next(p for p in f.problems if p.kind == "slow_opening")
    assert slow.seconds == 3.5 and slow.shots == ["1.1.1"]
    assert measure(_shots(2.0), [], target=2.0).first_line_s is None


def test_speech_heard_in_a_file(tmp_path: Path) -> None:
    wav = tmp_path / "mix.wav"
    # 0.2 s silence, 1 s tone, a 0.2 s pause, 1 s tone, 2 s silence, 0.5 s tone
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            "aevalsrc='if(between(t,0.2,1.2)+between(t,1.4,2.4)+between(t,4.4,4.9),"
            "0.5*sin(2*PI*440*t),0)':s=48000:d=5.5",
            str(wav),
        ]
    )
    spans = speech_from_audio(wav)
    assert len(spans) == 2  # the 0.2 s pause is inside speech
    assert spans[0].start == pytest.approx(0.2, abs=0.03)
    assert spans[0].end == pytest.approx(2.4, abs=0.03)
    assert spans[1].start == pytest.approx(4.4, abs=0.03)
