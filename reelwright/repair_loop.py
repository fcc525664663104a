"""The critique loop in the graph: failing scenes are sent back, then checked again.

The critique node only checks. When its payload asks for repairs (and rounds remain,
which the node itself decided), this expand hook stores each scene's failing checks
on that scene node (`notes`, tied to the scene's current version) and invalidates the
scenes. That also makes the critique node stale, so the scheduler reruns it after the
rewritten scenes; it reads its own previous payload to number the next round. Every
round is bounded by the critique node, and a round is sent back at most once.

The cut's pacing loop works the same way: a cut whose scenes lack material (or run
long, or end on no line) names them in `resend` instead of rendering, bounded by
--pacing-rounds; this hook hands them to their writer and the cut runs again after.
"""

from __future__ import annotations

from typing import Any

from reelwright.plan import Plan


def expand_critique(plan: Plan, node_id: str) -> None:
    """Send the scenes named in the critique's `repair` back to their writer."""
    payload = plan.payload(node_id) or {}
    round_no = payload.get("round")
    _send_back(plan, node_id, payload.get("repair") or {}, round_no, round_no)


def expand_cut(plan: Plan, node_id: str) -> None:
    """Send the scenes the cut's pacing names in `resend` back to their writer."""
    payload = plan.payload(node_id) or {}
    resend, sent = payload.get("resend") or {}, payload.get("sendback_rounds")
    if not resend or plan.node(node_id).get("repaired_round") == sent:
        return
    _send_back(plan, node_id, resend, sent, None)
    # The cut did not render: it runs again even when no rewrite changes what it reads.
    plan.invalidate([node_id])


def _send_back(
    plan: Plan,
    node_id: str,
    repair: dict[str, list[Any]],
    sent_round: object,
    note_round: int | None,
) -> bool:
    """Store each scene's issues as its notes and invalidate it; once per `sent_round`.

    `note_round` numbers the rewrite (the critique's round); None goes on from the
    scene's own revision number.
    """
    node = plan.node(node_id)
    if not repair or node.get("repaired_round") == sent_round:
        return False  # nothing to repair, or this round was already sent (a resume, a cutoff)
    node["repaired_round"] = sent_round
    targets = [sid for sid in sorted(repair) if sid in plan]
    for sid in targets:
        scene = plan.node(sid)
        revision = note_round or int((scene.get("payload") or {}).get("revision", 0)) + 1
        scene["notes"] = {"round": revision, "version": scene["version"], "issues": repair[sid]}
    plan.invalidate(targets)
    return bool(targets)
