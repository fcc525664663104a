"""The editor's pacing pass: measure the cut, fix what an editor can, send back the rest.

An editor can trim a hold after a line, shorten a silent shot and, when that is not
enough, drop a silent shot; it cannot invent a hook or a scene's missing material. So
each round measures the planned cut (tools/pacing.py), tightens the shots behind every
fixable problem, and measures again; what is left is sent back, named by node, to the
director (shot order) or the writer (material), like a continuity issue.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from reelwright import ids
from reelwright.scheduler import NodeContext
from reelwright.tools.pacing import (
    PacedShot,
    PacingFigures,
    PacingLimits,
    PacingProblem,
    SpeechSpan,
    measure,
)

from .timing import TAIL, line_starts

MAX_ROUNDS = 3
MIN_SILENT_SHOT = 1.0  # a silent shot shorter than this reads as a flash
MARGIN = 0.5  # aim this far inside a limit, so frame rounding never tips it over


class EditLine(BaseModel):
    line_id: str
    path: Path
    seconds: float = Field(gt=0)
    speaker: str = ""
    text: str = ""


class EditShot(BaseModel):
    """A shot on the editor's bench: its clip, the lines it carries, its length in the cut."""

    shot_id: str
    scene_id: str
    clip: Path
    duration: float = Field(gt=0)
    lines: list[EditLine] = Field(default_factory=list)
    beat: str = Field(default="", description="Why this shot is silent on purpose")
    hook: bool = False
    cliffhanger: bool = False
    transition: Literal["cut", "dissolve", "fade"] = "cut"
    metadata: dict[str, str] = Field(default_factory=dict)

    @property
    def starts(self) -> list[float]:
        return line_starts([x.seconds for x in self.lines])

    @property
    def speech_end(self) -> float:
        """Where the last line ends inside the shot (0 for a silent shot)."""
        if not self.lines:
            return 0.0
        return self.starts[-1] + self.lines[-1].seconds

    @property
    def needed(self) -> float:
        """The shortest the shot can be: its lines and their breathing room."""
        return self.speech_end + TAIL if self.lines else MIN_SILENT_SHOT


class Fix(BaseModel):
    round: int
    kind: str  # trim_hold, shorten_silent, drop_silent
    shot: str
    before: float
    after: float
    reason: str


class SendBack(BaseModel):
    """A pacing problem the editor cannot fix, and who gets it."""

    node: str
    kind: str  # late_hook, dead_air, short_of_material, too_much_material, no_tail_line
    sent_to: Literal["director", "writer"]
    detail: str
    round: int


class RoundNote(BaseModel):
    """One round of the editor's pacing loop, as a critique event reports it."""

    round: int
    found: int
    fixed: int
    remaining: int
    issues: list[dict[str, Any]]


class PacingPass(BaseModel):
    before: PacingFigures
    after: PacingFigures
    rounds: list[RoundNote]
    fixes: list[Fix]
    sent_back: list[SendBack]


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


def emit_pacing(ctx: NodeContext, result: PacingPass, heard: PacingFigures) -> None:
    """Critique events on the cut: one per round, then what was sent back, and to whom."""
    for note in result.rounds or [RoundNote(round=0, found=0, fixed=0, remaining=0, issues=[])]:
        ctx.emit("critique", source="pacing", dropped_ungrounded=0, **note.model_dump())
    timeline_kinds = {p.kind for p in result.after.problems}
    heard_only = [p for p in heard.problems if p.kind not in timeline_kinds]
    issues = [
        {
            "node": b.node,
            "kind": b.kind,
            "severity": "high",
            "source": "code",
            "evidence": b.detail,
            "fix": f"sent back to the {b.sent_to}",
            "sent_to": b.sent_to,
        }
        for b in result.sent_back
    ] + [
        {
            "node": "",
            "kind": f"audio:{p.kind}",
            "severity": "medium",
            "source": "code",
            "evidence": p.detail,
            "fix": "heard in the rendered mix only",
        }
        for p in heard_only
    ]
    ctx.emit(
        "critique",
        source="pacing:sent_back",
        round=len(result.rounds),
        found=len(issues),
        fixed=0,
        remaining=len(issues),
        dropped_ungrounded=0,
        issues=issues,
        sent_back=[b.model_dump() for b in result.sent_back],
    )


def pacing_payload(result: PacingPass, heard: PacingFigures) -> dict[str, Any]:
    """What the cut node keeps: figures before and after the editor's pass, and as heard."""
    return {
        "before": result.before.model_dump(),
        "after": result.after.model_dump(),
        "audio": heard.model_dump(),
        "rounds": len(result.rounds),
        "fixes": [f.model_dump() for f in result.fixes],
        "sent_back": [b.model_dump() for b in result.sent_back],
    }


def scene_seconds(shots: list[EditShot]) -> dict[str, float]:
    out: dict[str, float] = {}
    for s in shots:
        out[s.scene_id] = out.get(s.scene_id, 0.0) + s.duration
    return out


def send_backs(
    shots: list[EditShot],
    figs: PacingFigures,
    target: float,
    short_of_material: dict[str, str],
    rnd: int,
) -> list[SendBack]:
    """What the editor cannot fix, addressed to the node that can."""
    if not shots:
        return []
    ep = ids.parse(f"shot:{shots[0].shot_id}").episode
    scenes = scene_seconds(shots)
    budget = target / max(1, len(scenes))
    out: list[SendBack] = []

    def scene_node(key: str) -> str:
        return f"scene:{key}"

    for p in figs.problems:
        if p.kind == "slow_opening":
            out.append(
                SendBack(
                    node=ids.shotlist(ep, 1),
                    kind="late_hook",
                    sent_to="director",
                    detail=p.detail + ": open on a shot that speaks",
                    round=rnd,
                )
            )
        elif p.kind == "dead_air":
            key = p.scenes[0] if p.scenes else shots[0].scene_id
            node = "shotlist:" + key
            out.append(
                SendBack(
                    node=node,
                    kind="dead_air",
                    sent_to="director",
                    detail=p.detail + f" (shots {', '.join(p.shots)})",
                    round=rnd,
                )
            )
        elif p.kind == "no_tail_line":
            out.append(
                SendBack(
                    node=scene_node(shots[-1].scene_id),
                    kind="no_tail_line",
                    sent_to="writer",
                    detail=p.detail + ": end the episode on its cliffhanger line",
                    round=rnd,
                )
            )
        elif p.kind == "too_short":
            short = sorted(
                (k for k, v in scenes.items() if v < 0.8 * budget), key=lambda k: scenes[k]
            ) or [min(scenes, key=lambda k: scenes[k])]
            for key in short:
                lines = sum(len(s.lines) for s in shots if s.scene_id == key)
                out.append(
                    SendBack(
                        node=scene_node(key),
                        kind="short_of_material",
                        sent_to="writer",
                        detail=f"scene {key} runs {scenes[key]:.1f} s of its {budget:.0f} s "
                        f"({lines} lines); the episode is {p.detail}",
                        round=rnd,
                    )
                )
        elif p.kind == "too_long":
            key = max(scenes, key=lambda k: scenes[k])
            out.append(
                SendBack(
                    node=scene_node(key),
                    kind="too_much_material",
                    sent_to="writer",
                    detail=f"scene {key} runs {scenes[key]:.1f} s of its "
                    f"{budget:.0f} s; the episode is {p.detail}",
                    round=rnd,
                )
            )
    named = {b.node for b in out}
    for key, why in short_of_material.items():
        if scene_node(key) not in named:
            out.append(
                SendBack(
                    node=scene_node(key),
                    kind="short_of_material",
                    sent_to="writer",
                    detail=f"the director marked scene {key} short of material: {why}",
                    round=rnd,
                )
            )
    return out
