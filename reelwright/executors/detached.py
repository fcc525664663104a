"""A job's view of the plan away from the driver: a slice of the graph and local services.

What a media job reads is bounded: its direct inputs (the order-only ones too:
a frame reads its characters' sheets) and what those were made from. A cut
reads its episode's shots, clips and lines, all direct inputs. Walking back
through order-only edges would pull in the series critique and with it every
scene of the series, so the walk follows them one step only. A job that asks
for a node outside its slice fails loudly instead of reading stale data.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx

from reelwright.plan import Plan
from reelwright.settings import RunSettings
from reelwright.store import RunDir


def slice_for(plan: Plan, node_id: str) -> nx.DiGraph:
    """The node, its direct inputs, and their content ancestors, as a detached graph."""
    keep = {node_id, *plan.g.predecessors(node_id)}
    frontier = [p for p in keep if p != node_id]
    while frontier:
        for parent in plan.inputs(frontier.pop(), content_only=True):
            if parent not in keep:
                keep.add(parent)
                frontier.append(parent)
    return plan.g.subgraph(keep).copy()


@lru_cache(maxsize=4)
def media_services(run_path: str, settings_json: str) -> Any:
    """The run's media backends, built once per worker process; no model client."""
    from reelwright import backends
    from reelwright.context import Services

    settings = RunSettings.model_validate(json.loads(settings_json))
    images, video = backends.make_images(settings), backends.make_video(settings)
    voices = backends.make_voices(settings)
    run = RunDir(Path(run_path))
    return Services(settings, run, None, images, video, voices)  # type: ignore[arg-type]


class DetachedContext:
    """The NodeContext calls media jobs make, over a slice; events are kept to send back."""

    def __init__(self, node_id: str, graph: nx.DiGraph, agent: str, services: Any) -> None:
        self.node_id = node_id
        self.plan = Plan(graph)
        self.agent = agent
        self.services = services
        self.emitted: list[tuple[str, dict[str, Any]]] = []

    def payload(self, node_id: str) -> Any:
        if node_id not in self.plan:
            raise KeyError(f"{self.node_id} read {node_id}, which is not among its inputs")
        return self.plan.payload(node_id)

    def ids(self, kind: str | None = None) -> list[str]:
        return self.plan.ids(kind)

    def inputs(self, kind: str | None = None) -> list[str]:
        ids = self.plan.inputs(self.node_id)
        return [i for i in ids if kind is None or self.plan.node(i)["kind"] == kind]

    def set_payload(self, node_id: str, payload: Any) -> None:
        raise RuntimeError("a media job on a Ray worker cannot edit another node")

    def emit(self, type: str, **fields: Any) -> int:
        fields.setdefault("agent", self.agent)
        fields.setdefault("node", self.node_id)
        self.emitted.append((type, fields))
        return 0
