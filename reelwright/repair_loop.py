"""The critique loop in the graph: failing scenes are sent back, then checked again.

The critique node only checks. When its payload asks for repairs (and rounds remain,
which the node itself decided), this expand hook stores each scene's failing checks
on that scene node (`notes`, tied to the scene's current version) and invalidates the
scenes. That also makes the critique node stale, so the scheduler reruns it after the
rewritten scenes; it reads its own previous payload to number the next round. Every
round is bounded by the critique node, and a round is sent back at most once.
"""

from __future__ import annotations

from reelwright.plan import Plan


def expand_critique(plan: Plan, node_id: str) -> None:
    """Send the scenes named in the critique's `repair` back to their writer."""
    payload = plan.payload(node_id) or {}
    repair = payload.get("repair") or {}
    node = plan.node(node_id)
    round_no = payload.get("round")
    if not repair or node.get("repaired_round") == round_no:
        return  # nothing to repair, or this round was already sent (a resume, an early cutoff)
    node["repaired_round"] = round_no
    targets = [sid for sid in sorted(repair) if sid in plan]
    for sid in targets:
        scene = plan.node(sid)
        scene["notes"] = {"round": round_no, "version": scene["version"], "issues": repair[sid]}
    plan.invalidate(targets)
