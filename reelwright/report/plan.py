"""The plan-graph drawing of a long series: episodes first, one episode opened on demand.

An 80-episode run has about 6,000 nodes; one drawing of all of them is a wall of
boxes that takes the browser seconds to lay out. Past FULL_LIMIT nodes the
section draws each episode as two boxes (its script: outline and scenes; its
production: shot lists, shots, lines, frames, clips, the cut) beside the nodes
that belong to no episode (the bible, characters, locations, the critique),
then one closed <details> per episode holding that episode's own graph, which
the browser lays out only when opened.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from reelwright import ids
from reelwright.report.data import RunData, natural_key
from reelwright.report.svg import esc, plan_svg

FULL_LIMIT = 400  # nodes; above this the drawing collapses to episodes
SCRIPT_KINDS = frozenset({"episode", "scene"})


@dataclass
class _Graph:
    """The part of RunData that plan_svg draws."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[tuple[str, str, bool]] = field(default_factory=list)


def episode_of(node_id: str) -> int | None:
    numbers = ids.parse(node_id).numbers
    return numbers[0] if numbers else None


def group_of(node_id: str, kind: str, width: int = 2) -> str:
    """`episode 07 script`, `episode 07 production` (padded: boxes sort as they read),
    or the node itself."""
    ep = episode_of(node_id)
    if ep is None:
        return node_id
    return f"episode {ep:0{width}d} {'script' if kind in SCRIPT_KINDS else 'production'}"


def _status(counts: Counter[str]) -> str:
    for status in ("failed", "running", "stale", "review", "pending", "ready"):
        if counts.get(status):
            return status
    return "done"


def collapsed(data: RunData) -> _Graph:
    """One box per episode script and per episode production; edges between boxes."""
    groups: dict[str, str] = {}
    members: dict[str, Counter[str]] = defaultdict(Counter)
    owners: dict[str, Counter[str]] = defaultdict(Counter)
    width = len(str(max((episode_of(n) or 0 for n in data.nodes), default=0)))
    for node_id, d in data.nodes.items():
        group = group_of(node_id, str(d.get("kind")), width)
        groups[node_id] = group
        members[group][str(d.get("status") or "pending")] += 1
        owners[group][str(d.get("owner") or "-")] += 1
    graph = _Graph()
    names: dict[str, str] = {}
    for group, counts in members.items():
        total = sum(counts.values())
        name = group if total == 1 and group in data.nodes else f"{group} ({total})"
        names[group] = name
        graph.nodes[name] = {
            "kind": "group" if name != group else data.nodes[group].get("kind"),
            "owner": owners[group].most_common(1)[0][0],
            "status": _status(counts),
            "version": ", ".join(f"{n} {s}" for s, n in sorted(counts.items())),
        }
    seen: dict[tuple[str, str], bool] = {}
    for src, dst, order_only in data.edges:
        a, b = names[groups[src]], names[groups[dst]]
        if a != b:
            seen[a, b] = seen.get((a, b), True) and order_only
    graph.edges = [(a, b, order_only) for (a, b), order_only in seen.items()]
    return graph


def episode_graph(data: RunData, inside: set[str]) -> _Graph:
    """One episode's nodes, and the nodes outside it that feed them (drawn as sources)."""
    edges = [(s, d, o) for s, d, o in data.edges if d in inside]
    used = inside | {s for s, _, _ in edges}
    return _Graph({n: data.nodes[n] for n in sorted(used, key=natural_key)}, edges)


def collapsed_section(data: RunData) -> str:
    """The overview drawing, then each episode behind its own <details>."""
    by_episode: dict[int, set[str]] = defaultdict(set)
    for node_id in data.nodes:
        ep = episode_of(node_id)
        if ep is not None:
            by_episode[ep].add(node_id)
    parts = [
        f'<p class="note">{len(data.nodes)} nodes, {len(data.edges)} edges: too many to '
        f"draw at once (the limit is {FULL_LIMIT}). Each episode is drawn as two boxes, its "
        "script (outline and scenes) and its production (shot lists, shots, lines, frames, "
        "clips, cut), with a count of nodes by status on hover; open an episode below for "
        f'its own graph.</p><div class="scroll">{plan_svg(collapsed(data))}</div>'  # type: ignore[arg-type]
    ]
    for ep, inside in sorted(by_episode.items()):
        graph = episode_graph(data, inside)
        counts = Counter(str(data.nodes[n].get("status")) for n in inside)
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        parts.append(
            f"<details><summary>Episode {ep} <small>({esc(summary)})</small></summary>"
            f'<div class="scroll">{plan_svg(graph)}</div></details>'  # type: ignore[arg-type]
        )
    return "".join(parts)
