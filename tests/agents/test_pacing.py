"""The editor's pacing pass: a planted slow opening and dead stretch are reported,
repaired, and heard repaired in the rendered cut; what the editor cannot fix goes back."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.planted_cut import planted

from reelwright.agents.pacing import EditShot, figures, paced, pacing_pass
from reelwright.tools.ffmpeg import run_ffmpeg
from reelwright.tools.pacing import PacingLimits, measure, speech_from_audio
from reelwright.tools.render import AudioPlacement, CutShot, render_episode

FPS = 30


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("media")
    clip = d / "grey.png"
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=0x506070:s=72x128", "-frames:v", "1", str(clip)])
    tone = d / "line.wav"
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=330:sample_rate=48000:duration=1.5",
            "-ac",
            "1",
            str(tone),
        ]
    )
    return clip, tone


def test_slow_opening_and_dead_air_are_reported_then_repaired(media: tuple[Path, Path]) -> None:
    shots, result = pacing_pass(planted(media), target=30.0, fps=FPS)
    before = {p.kind: p for p in result.before.problems}
    assert result.before.first_line_s == pytest.approx(8.75)
    assert before["slow_opening"].shots[:2] == ["1.1.1", "1.1.2"]
    assert before["dead_air"].seconds > 17 and "1.2.1" in before["dead_air"].shots
    after = result.after
    assert after.first_line_s is not None and after.first_line_s <= 3.0
    kinds = {p.kind for p in after.problems}
    assert "slow_opening" not in kinds and "dead_air" not in kinds
    assert after.longest_silence_s <= 4.0
    assert {f.kind for f in result.fixes} >= {"shorten_silent", "trim_hold"}
    assert all(s.duration >= 1.0 - 1e-9 for s in shots)
    assert all(
        abs(s.duration * FPS - round(s.duration * FPS)) < 1e-6 for s in shots
    )  # whole frames
    assert len(result.rounds) <= 3 and result.rounds[0].found >= 2
    # every line is still in the cut, whole
    assert sum(len(s.lines) for s in shots) == 4
    assert all(s.duration >= s.needed - 1e-6 for s in shots if s.lines)


def test_the_rendered_cut_is_heard_repaired(media: tuple[Path, Path], tmp_path: Path) -> None:
    def render(shots: list[EditShot], name: str) -> Path:
        cut = [
            CutShot(
                shot_id=s.shot_id,
                clip=s.clip,
                duration=s.duration,
                audio=[
                    AudioPlacement(path=x.path, start=at)
                    for x, at in zip(s.lines, s.starts, strict=True)
                ],
            )
            for s in shots
        ]
        return render_episode(cut, tmp_path / name, width=72, height=128, preset="ultrafast")

    planned = planted(media)
    fixed, _ = pacing_pass(planned, target=30.0, fps=FPS)
    heard_before = measure(
        paced(planned)[0], speech_from_audio(render(planned, "a.mp4")), target=30.0, source="audio"
    )
    heard_after = measure(
        paced(fixed)[0], speech_from_audio(render(fixed, "b.mp4")), target=30.0, source="audio"
    )
    assert heard_before.first_line_s == pytest.approx(8.75, abs=0.1)
    assert heard_before.longest_silence_s > 17
    assert heard_after.first_line_s is not None and heard_after.first_line_s <= 3.0
    assert heard_after.longest_silence_s <= 4.0 + 0.1
    assert heard_after.total_s == pytest.approx(sum(s.duration for s in fixed), abs=0.05)


def test_a_marked_beat_is_left_alone(media: tuple[Path, Path]) -> None:
    shots = planted(media)
    for s in shots[4:7]:
        s.beat = "the storm hits: the sea speaks"
    figs = figures(shots, 30.0, PacingLimits())
    assert "dead_air" not in {p.kind for p in figs.problems}
    kept, result = pacing_pass(shots, target=30.0, fps=FPS)
    beats = {s.shot_id: s.duration for s in kept if s.beat}
    assert beats == {"1.2.1": 6.0, "1.2.2": 6.0, "1.2.3": 5.0}
    assert "slow_opening" in {p.kind for p in result.before.problems}


def test_what_the_editor_cannot_fix_is_sent_back(media: tuple[Path, Path]) -> None:
    shots, result = pacing_pass(
        planted(media), target=90.0, fps=FPS, short_of_material={"1.1": "two lines for 30 s"}
    )
    sent = {(b.node, b.kind, b.sent_to) for b in result.sent_back}
    assert ("scene:1.1", "short_of_material", "writer") in sent
    assert any(k == "short_of_material" and n == "scene:1.2" for n, k, _ in sent)
    assert all(b.round == len(result.rounds) for b in result.sent_back)
    assert "too_short" in {p.kind for p in result.after.problems}
