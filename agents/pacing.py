"""The editor's pacing pass: measure the cut, fix what an editor can, send back the rest.

An editor can trim a hold after a line, shorten a silent shot and, when that is not
enough, drop a silent shot; it cannot invent a hook or a scene's missing material. So
each round measures the planned cut (tools/pacing.py), tightens the shots behind every
fixable problem, and measures again; what is left is sent back, named by node, to the
director (shot order) or the writer (material), like a continuity issue.
"""

from __future__ import annotations

import math
from typing import Any

from reelwright.tools.pacing import (
    PacedShot,
    PacingFigures,
    PacingLimits,
    PacingProblem,
    SpeechSpan,
    measure,
)

from .cut_models import (
    MIN_SILENT_SHOT,
    EditLine,
    EditShot,
    Fix,
    PacingPass,
    RoundNote,
    SendBack,
)
from .sendback import send_backs

__all__ = [
    "EditLine",
    "EditShot",
    "Fix",
    "PacingPass",
    "SendBack",
    "figures",
    "paced",
    "pacing_pass",
]

MAX_ROUNDS = 3
MARGIN = 0.5  # aim this far inside a limit, so frame rounding never tips it over


def paced(shots: list[EditShot]) -> tuple[list[PacedShot], list[SpeechSpan]]:
    """Where shots and voiced lines fall in the episode."""
    out, speech, t = [], [], 0.0
    for s in shots:
        out.append(
            PacedShot(
                shot_id=s.shot_id,
                scene_id=s.scene_id,
                start=round(t, 4),
                duration=s.duration,
                lines=len(s.lines),
                beat=s.beat,
            )
        )
        for line, at in zip(s.lines, s.starts, strict=True):
            speech.append(SpeechSpan(start=t + at, end=t + at + line.seconds, text=line.text))
        t += s.duration
    return out, speech


def figures(shots: list[EditShot], target: float, limits: PacingLimits) -> PacingFigures:
    paced_shots, speech = paced(shots)
    return measure(paced_shots, speech, target=target, limits=limits)


def _frames(seconds: float, fps: int) -> float:
    """Whole frames, rounded up: a trimmed shot never cuts into what it must keep."""
    return max(1, math.ceil(seconds * fps - 1e-6)) / fps


class _Bench:
    """Shots being tightened in one round, with a log of every change."""

    def __init__(self, shots: list[EditShot], rnd: int, fps: int) -> None:
        self.shots = [s.model_copy(deep=True) for s in shots]
        self.rnd, self.fps = rnd, fps
        self.fixes: list[Fix] = []

    def index(self, shot_id: str) -> int:
        return next(i for i, s in enumerate(self.shots) if s.shot_id == shot_id)

    def set(self, i: int, seconds: float, kind: str, reason: str) -> float:
        shot = self.shots[i]
        new = _frames(seconds, self.fps)
        if new >= shot.duration - 1e-6:
            return 0.0
        self.fixes.append(
            Fix(
                round=self.rnd,
                kind=kind,
                shot=shot.shot_id,
                before=shot.duration,
                after=new,
                reason=reason,
            )
        )
        saved = shot.duration - new
        shot.duration = new
        return saved

    def drop(self, i: int, reason: str) -> float:
        shot = self.shots.pop(i)
        self.fixes.append(
            Fix(
                round=self.rnd,
                kind="drop_silent",
                shot=shot.shot_id,
                before=shot.duration,
                after=0.0,
                reason=reason,
            )
        )
        return shot.duration

    def droppable(self, i: int) -> bool:
        """A silent, unmarked shot whose scene keeps at least one other shot."""
        s = self.shots[i]
        same = sum(1 for x in self.shots if x.scene_id == s.scene_id)
        return not s.lines and not s.beat and same > 1

    def cut_silence(self, shot_ids: list[str], excess: float, reason: str) -> float:
        """Take `excess` seconds out of a silent stretch: holds after lines first, then
        silent shots (longest first) down to MIN_SILENT_SHOT, then silent shots out."""
        saved = 0.0
        idx = [self.index(x) for x in shot_ids]
        first = self.shots[idx[0]] if idx else None
        if first is not None and first.lines:  # the silence starts in this shot's hold
            hold = first.duration - first.needed
            saved += self.set(idx[0], first.duration - min(hold, excess), "trim_hold", reason)
        for i in sorted(idx, key=lambda i: -self.shots[i].duration):
            s = self.shots[i]
            if not s.lines and not s.beat and excess - saved > 1e-6:
                room = s.duration - MIN_SILENT_SHOT
                if room > 0:
                    cut = min(room, excess - saved)
                    saved += self.set(i, s.duration - cut, "shorten_silent", reason)
        for shot_id in reversed(shot_ids):  # last resort: silent shots leave the cut
            if excess - saved <= MARGIN:  # what is left is inside the limit itself
                break
            i = self.index(shot_id)
            if self.droppable(i):
                saved += self.drop(i, reason)
        return saved


def tighten_round(
    shots: list[EditShot], figs: PacingFigures, limits: PacingLimits, rnd: int, fps: int
) -> tuple[list[EditShot], list[Fix]]:
    """One round of the editor's own fixes for the problems `figs` found."""
    bench = _Bench(shots, rnd, fps)
    for p in figs.problems:
        present = [x for x in p.shots if any(s.shot_id == x for s in bench.shots)]
        if p.kind == "slow_opening" and figs.first_line_s is not None:
            bench.cut_silence(present, figs.first_line_s - (limits.hook_s - MARGIN), p.detail)
        elif p.kind == "dead_air":
            bench.cut_silence(present, p.seconds - (limits.max_silence_s - MARGIN), p.detail)
        elif p.kind == "no_tail_line" and figs.last_line_end_s is not None:
            tail = figs.total_s - figs.last_line_end_s
            bench.cut_silence(present, tail - (limits.tail_s - MARGIN), p.detail)
    long = next((p for p in figs.problems if p.kind == "too_long"), None)
    if long is not None:  # after the silences: their trims may have been enough
        excess = sum(s.duration for s in bench.shots) - figs.target_s
        for i, s in enumerate(bench.shots):
            if s.lines and excess > 1e-6:
                hold = s.duration - s.needed
                excess -= bench.set(i, s.duration - min(hold, excess), "trim_hold", long.detail)
    return bench.shots, bench.fixes


def pacing_pass(
    shots: list[EditShot],
    *,
    target: float,
    fps: int,
    limits: PacingLimits | None = None,
    short_of_material: dict[str, str] | None = None,
    max_rounds: int = MAX_ROUNDS,
) -> tuple[list[EditShot], PacingPass]:
    """Measure, fix, measure again (at most `max_rounds`), then name what goes back."""
    lim = limits or PacingLimits()
    before = figures(shots, target, lim)
    current, figs = shots, before
    fixes: list[Fix] = []
    notes: list[RoundNote] = []
    for rnd in range(1, max_rounds + 1):
        if not figs.problems:
            break
        current, done = tighten_round(current, figs, lim, rnd, fps)
        fixes += done
        found = figs.problems
        figs = figures(current, target, lim)
        notes.append(
            RoundNote(
                round=rnd,
                found=len(found),
                fixed=max(0, len(found) - len(figs.problems)),
                remaining=len(figs.problems),
                issues=[_issue(p, done) for p in found],
            )
        )
        if not done:
            break
    sent = send_backs(current, figs, target, short_of_material or {}, len(notes))
    return current, PacingPass(before=before, after=figs, rounds=notes, fixes=fixes, sent_back=sent)


def _issue(p: PacingProblem, fixes: list[Fix]) -> dict[str, Any]:
    """A pacing problem as a critique issue row: node, kind, evidence and what was done."""
    mine = [f for f in fixes if f.shot in p.shots or f.reason == p.detail]
    done = "; ".join(f"{f.kind} {f.shot} {f.before:.2f}->{f.after:.2f} s" for f in mine)
    return {
        "node": f"shot:{p.shots[0]}" if p.shots else "",
        "kind": p.kind,
        "severity": "high" if p.kind in ("slow_opening", "dead_air") else "medium",
        "source": "code",
        "evidence": p.detail,
        "fix": done or "none the editor can make",
    }
