"""Pacing of a finished cut, measured from its own timeline and its audio.

A short drama keeps a viewer by talking early and never going quiet for long. These
figures say whether a cut does, whatever its shots were flagged as: when the first
spoken line starts, the longest stretch without speech (and where), spoken lines per
minute, how shot lengths spread, whether a line lands in the last seconds, and the
total length against the target. `speech_from_audio` finds speech in a rendered file
(ffmpeg's silencedetect), so the figures can be taken from what a viewer hears.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from reelwright.tools.ffmpeg import probe, run_ffmpeg


class PacingLimits(BaseModel):
    """What a vertical short drama allows (the defaults are the genre's conventions)."""

    hook_s: float = Field(default=3.0, description="The first line starts by then")
    max_silence_s: float = Field(default=4.0, description="Longest unmarked stretch without speech")
    tail_s: float = Field(default=5.0, description="A line (the cliffhanger) lands in this tail")
    length_tolerance: float = Field(default=0.1, description="Allowed share off the target")


class SpeechSpan(BaseModel):
    """A stretch of speech, in episode seconds."""

    start: float = Field(ge=0)
    end: float
    text: str = ""


class PacedShot(BaseModel):
    """A shot as pacing sees it: where it sits, and whether its silence is meant."""

    shot_id: str
    scene_id: str = ""
    start: float = Field(ge=0)
    duration: float = Field(gt=0)
    lines: int = 0
    beat: str = Field(default="", description="Why a silence here is deliberate; empty if not")

    @property
    def end(self) -> float:
        return self.start + self.duration


class Silence(BaseModel):
    """A stretch without speech and the shots it falls in."""

    start: float
    end: float
    where: str = Field(description="opening, middle or tail")
    shots: list[str] = Field(default_factory=list)
    scenes: list[str] = Field(default_factory=list)
    beat: str = Field(default="", description="The reason, when marked shots excuse it")

    @property
    def seconds(self) -> float:
        return round(self.end - self.start, 3)


class PacingProblem(BaseModel):
    kind: str  # slow_opening, dead_air, no_tail_line, too_short, too_long
    detail: str
    at: float = 0.0
    seconds: float = Field(default=0.0, description="How long the silence (or how late the line)")
    shots: list[str] = Field(default_factory=list)
    scenes: list[str] = Field(default_factory=list)


class PacingFigures(BaseModel):
    """Everything measured on one cut; `problems` lists what breaks the limits."""

    source: str = Field(description="timeline (line placements) or audio (the rendered mix)")
    total_s: float
    target_s: float
    first_line_s: float | None
    longest_silence_s: float
    longest_silence_at: float
    longest_silence_shots: list[str]
    lines: int
    lines_per_minute: float
    speech_share: float = Field(description="Share of the episode with speech")
    shots: int
    shot_min_s: float
    shot_median_s: float
    shot_max_s: float
    shot_sd_s: float
    last_line_end_s: float | None
    tail_line: bool = Field(description="A line is heard in the last tail_s seconds")
    problems: list[PacingProblem] = Field(default_factory=list)


def merge_spans(spans: Sequence[SpeechSpan], join_gap: float = 0.0) -> list[SpeechSpan]:
    """Sorted spans with overlaps (and gaps up to `join_gap`) joined."""
    out: list[SpeechSpan] = []
    for s in sorted(spans, key=lambda s: s.start):
        if out and s.start <= out[-1].end + join_gap:
            out[-1] = out[-1].model_copy(update={"end": max(out[-1].end, s.end)})
        else:
            out.append(s.model_copy())
    return out


def silences(
    shots: Sequence[PacedShot], speech: Sequence[SpeechSpan], total: float
) -> list[Silence]:
    """Every stretch without speech, from the start to the end of the cut."""
    spans = merge_spans(speech)
    out: list[Silence] = []
    t = 0.0
    bounds = [(s.start, min(s.end, total)) for s in spans if s.start < total]
    for i, (a, b) in enumerate([*bounds, (total, total)]):
        if a - t > 1e-6:
            where = "opening" if i == 0 else "tail" if i == len(bounds) else "middle"
            out.append(_silence(t, a, where, shots))
        t = max(t, b)
    return out


def _silence(start: float, end: float, where: str, shots: Sequence[PacedShot]) -> Silence:
    inside = [s for s in shots if s.start < end - 1e-6 and s.end > start + 1e-6]
    marked = [s for s in inside if s.beat]
    cover = sum(min(s.end, end) - max(s.start, start) for s in marked)
    beat = "; ".join(dict.fromkeys(s.beat for s in marked)) if marked else ""
    return Silence(
        start=round(start, 3),
        end=round(end, 3),
        where=where,
        shots=[s.shot_id for s in inside],
        scenes=list(dict.fromkeys(s.scene_id for s in inside if s.scene_id)),
        beat=beat if marked and cover > 0 else "",
    )


def unexcused(silence: Silence, limits: PacingLimits, shots: Sequence[PacedShot]) -> float:
    """Seconds of a silence not covered by shots marked as deliberate beats."""
    covered = sum(
        min(s.end, silence.end) - max(s.start, silence.start)
        for s in shots
        if s.beat and s.start < silence.end and s.end > silence.start
    )
    return max(0.0, silence.seconds - covered)


def measure(
    shots: Sequence[PacedShot],
    speech: Sequence[SpeechSpan],
    *,
    target: float,
    lines: int | None = None,
    limits: PacingLimits | None = None,
    source: str = "timeline",
) -> PacingFigures:
    """The pacing figures of a cut and the problems against `limits`."""
    lim = limits or PacingLimits()
    total = round(max((s.end for s in shots), default=0.0), 3)
    spans = [s for s in merge_spans(speech) if s.start < total]
    gaps = silences(shots, spans, total)
    longest = max(gaps, key=lambda g: g.seconds, default=None)
    lengths = [s.duration for s in shots] or [0.0]
    n_lines = len(speech) if lines is None else lines
    first = spans[0].start if spans else None
    last = min(spans[-1].end, total) if spans else None
    tail_line = last is not None and last > total - lim.tail_s
    problems: list[PacingProblem] = []
    opening = gaps[0] if gaps and gaps[0].where == "opening" else None
    if first is None or first > lim.hook_s:
        problems.append(
            PacingProblem(
                kind="slow_opening",
                detail=(
                    f"first spoken line at {first:.2f} s (limit {lim.hook_s:.0f} s)"
                    if first is not None
                    else "nothing is said in the whole cut"
                ),
                at=0.0,
                seconds=first if first is not None else total,
                shots=opening.shots if opening else [],
                scenes=opening.scenes if opening else [],
            )
        )
    for g in gaps:
        if g.where == "middle" and unexcused(g, lim, shots) > lim.max_silence_s:
            problems.append(
                PacingProblem(
                    kind="dead_air",
                    detail=f"{g.seconds:.2f} s without speech from {g.start:.2f} s "
                    f"to {g.end:.2f} s (limit {lim.max_silence_s:.0f} s)",
                    at=g.start,
                    seconds=g.seconds,
                    shots=g.shots,
                    scenes=g.scenes,
                )
            )
    tail = gaps[-1] if gaps and gaps[-1].where == "tail" else None
    if not tail_line and not (tail and unexcused(tail, lim, shots) <= lim.tail_s):
        problems.append(
            PacingProblem(
                kind="no_tail_line",
                detail=f"no line in the last {lim.tail_s:.0f} s: the last ends at "
                + (f"{last:.2f} s of {total:.2f} s" if last is not None else "-"),
                at=last or 0.0,
                seconds=tail.seconds if tail else 0.0,
                shots=tail.shots if tail else [],
                scenes=tail.scenes if tail else [],
            )
        )
    if target > 0 and total < (1 - lim.length_tolerance) * target:
        problems.append(
            PacingProblem(kind="too_short", detail=f"{total:.1f} s against {target:.0f} s")
        )
    elif target > 0 and total > (1 + lim.length_tolerance) * target:
        problems.append(
            PacingProblem(kind="too_long", detail=f"{total:.1f} s against {target:.0f} s")
        )
    spoken = sum(min(s.end, total) - s.start for s in spans)
    return PacingFigures(
        source=source,
        total_s=total,
        target_s=target,
        first_line_s=None if first is None else round(first, 3),
        longest_silence_s=longest.seconds if longest else 0.0,
        longest_silence_at=longest.start if longest else 0.0,
        longest_silence_shots=longest.shots if longest else [],
        lines=n_lines,
        lines_per_minute=round(n_lines / total * 60, 2) if total else 0.0,
        speech_share=round(spoken / total, 3) if total else 0.0,
        shots=len(shots),
        shot_min_s=round(min(lengths), 3),
        shot_median_s=round(statistics.median(lengths), 3),
        shot_max_s=round(max(lengths), 3),
        shot_sd_s=round(statistics.pstdev(lengths), 3),
        last_line_end_s=None if last is None else round(last, 3),
        tail_line=tail_line,
        problems=problems,
    )


_SILENCE_START = re.compile(r"silence_start:\s*(-?[\d.]+)")
_SILENCE_END = re.compile(r"silence_end:\s*(-?[\d.]+)")


def speech_from_audio(
    path: Path, *, noise_db: float = -35.0, min_silence: float = 0.4
) -> list[SpeechSpan]:
    """Where a file's audio has sound: the complement of ffmpeg's silencedetect.

    Silence is found down to 50 ms, so the opening is timed exactly; pauses inside
    speech shorter than `min_silence` (a comma inside a line) then count as speech.
    """
    total = probe(path).duration
    err = run_ffmpeg(
        [
            "-i",
            str(path),
            "-vn",
            "-af",
            f"silencedetect=noise={noise_db}dB:d=0.05",
            "-f",
            "null",
            "-",
        ]
    )
    starts = [float(x) for x in _SILENCE_START.findall(err)]
    ends = [float(x) for x in _SILENCE_END.findall(err)]
    quiet = [(max(0.0, a), ends[i] if i < len(ends) else total) for i, a in enumerate(starts)]
    spans: list[SpeechSpan] = []
    t = 0.0
    for a, b in quiet:
        if a - t > 1e-3:
            spans.append(SpeechSpan(start=round(t, 3), end=round(a, 3)))
        t = b
    if total - t > 1e-3 and t < total:
        spans.append(SpeechSpan(start=round(t, 3), end=round(total, 3)))
    return merge_spans(spans, join_gap=min_silence)
