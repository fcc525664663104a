"""Pacing the editor cannot fix, addressed to who can, and logged as critique events."""

from __future__ import annotations

from typing import Any

from reelwright import ids
from reelwright.context import AgentContext
from reelwright.tools.pacing import PacingFigures

from .cut_models import EditShot, PacingPass, RoundNote, SendBack
from .schemas import Issue

# What the scene's writer is asked to do about each pacing problem sent to it.
WRITER_FIX = {
    "short_of_material": "add spoken lines that carry the scene's turn (a question, a refusal, "
    "a line said under the breath), keeping every planned fact; no filler",
    "too_much_material": "cut the weakest lines so the scene fits its time; keep the turn",
    "no_tail_line": "end the scene on a spoken line that leaves the cliffhanger open",
}


def writer_notes(result: PacingPass) -> dict[str, list[dict[str, Any]]]:
    """What the writers can fix, as repair notes per scene node (the critique's format)."""
    notes: dict[str, list[dict[str, Any]]] = {}
    for b in result.sent_back:
        if b.sent_to != "writer" or b.kind not in WRITER_FIX:
            continue
        issue = Issue.model_validate(
            {"node": b.node, "kind": b.kind, "severity": "high", "evidence": b.detail,
             "fix": WRITER_FIX[b.kind]}
        )  # fmt: skip
        notes.setdefault(b.node, []).append(issue.model_dump())
    return notes


def emit_pacing(ctx: AgentContext, result: PacingPass, heard: PacingFigures) -> None:
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


def pacing_payload(
    result: PacingPass, heard: PacingFigures, earlier: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the cut node keeps: figures before and after the editor's pass, and as heard.

    `earlier` is the pacing of the cut that sent scenes back to their writers: its
    planned figures become "first" and what it sent back "rewritten", so the report
    shows the episode before and after the rewrite.
    """
    out: dict[str, Any] = {}
    if earlier:
        out["first"] = earlier.get("first") or earlier.get("before")
        out["rewritten"] = list(earlier.get("rewritten", [])) + [
            b for b in earlier.get("sent_back", []) if b.get("sent_to") == "writer"
        ]
    return out | {
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
    for key, why in short_of_material.items():
        note = f"the director marked scene {key} short of material: {why}"
        same = next((b for b in out if b.node == scene_node(key)), None)
        if same is not None:
            same.detail += f"; {note}"
            continue
        out.append(
            SendBack(
                node=scene_node(key),
                kind="short_of_material",
                sent_to="writer",
                detail=note,
                round=rnd,
            )
        )
    return out
