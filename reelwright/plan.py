"""The plan graph: every artifact is a node, an edge says "is made from".

The graph knows nothing of drama. It stores payloads as JSON objects, decides
what is stale by hashing inputs, and answers what is ready to run.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from reelwright.tools.jsonio import stable_hash, write_json_atomic

Status = Literal["pending", "ready", "running", "done", "stale", "failed", "review"]
_NODE_DEFAULTS: dict[str, Any] = {
    "status": "pending",
    "version": 0,
    "payload": None,
    "inputs_hash": None,
    "made_by": [],
    "error": None,
    "started_at": None,
    "finished_at": None,
}


class PlanError(ValueError):
    """The graph was asked for something it cannot be: a cycle, an unknown node."""


class Plan:
    """A DiGraph of artifact nodes with build-system semantics."""

    def __init__(self, graph: nx.DiGraph | None = None, kinds: Iterable[str] | None = None) -> None:
        self.g: nx.DiGraph = graph if graph is not None else nx.DiGraph()
        # the node kinds a recipe allows; None accepts any kind
        self.kinds: frozenset[str] | None = frozenset(kinds) if kinds is not None else None
        self._watchers: list[set[str]] = []
        self._order: list[str] | None = None
        self._by_kind: dict[str, list[str]] = {}
        self._kind_index: dict[str, list[str]] | None = None
        self._tangled: set[str] = set()  # kinds with an edge between two of their own nodes

    # --- change tracking ----------------------------------------------------

    def watch(self) -> set[str]:
        """A set that collects the id of every node added, removed or restated from now on.

        The run store drains one to write only what changed; the scheduler drains
        another to look for newly ready work near the change, not in the whole graph.
        """
        touched: set[str] = set()
        self._watchers.append(touched)
        return touched

    def touch(self, *node_ids: str) -> None:
        """Say that these nodes changed (code that edits a node's dict in place calls this)."""
        for touched in self._watchers:
            touched.update(node_ids)

    def _reshaped(self) -> None:
        self._order = None
        self._by_kind = {}

    def _index(self) -> dict[str, list[str]]:
        """Node ids by kind, each list in natural order, kept up to date as nodes come and go."""
        if self._kind_index is None:
            index: dict[str, list[str]] = {}
            for node_id, data in self.g.nodes(data=True):
                index.setdefault(data["kind"], []).append(node_id)
            for ids in index.values():
                ids.sort(key=_natural_key)
            nodes = self.g.nodes
            self._tangled = {
                nodes[a]["kind"] for a, b in self.g.edges if nodes[a]["kind"] == nodes[b]["kind"]
            }
            self._kind_index = index
        return self._kind_index

    # --- building -----------------------------------------------------------

    def add(
        self, node_id: str, kind: str, owner: str, inputs: Iterable[str] = (), **fields: Any
    ) -> dict[str, Any]:
        """Add a node (or refresh the kind/owner of an existing one) and its input edges."""
        if self.kinds is not None and kind not in self.kinds:
            raise PlanError(f"unknown node kind {kind!r}")
        if node_id in self.g:
            data = self.g.nodes[node_id]
            if data["kind"] != kind:
                self._reshaped()
                self._kind_index = None
            data.update(kind=kind, owner=owner, **fields)
        else:
            attrs = {**_NODE_DEFAULTS, "made_by": [], **fields}
            self.g.add_node(node_id, id=node_id, kind=kind, owner=owner, **attrs)
            self._reshaped()
            if self._kind_index is not None:
                bisect.insort(self._kind_index.setdefault(kind, []), node_id, key=_natural_key)
        self.touch(node_id)
        for source in inputs:
            self.link(source, node_id)
        return dict(self.g.nodes[node_id])

    def link(self, source: str, target: str, *, order_only: bool = False) -> None:
        """Add an edge; refuse one that would close a cycle."""
        for node in (source, target):
            if node not in self.g:
                raise PlanError(f"no node {node!r}")
        if self.g.has_edge(source, target):
            if self.g.edges[source, target].get("order_only") != order_only:
                self.g.edges[source, target]["order_only"] = order_only
                self.touch(target)
            return
        # a cycle needs a path back from target to source; a new node has no way out
        closes = self.g.out_degree(target) > 0 and self.g.in_degree(source) > 0
        if source == target or (closes and nx.has_path(self.g, target, source)):
            raise PlanError(f"edge {source} -> {target} would make a cycle")
        self.g.add_edge(source, target, order_only=order_only)
        self._reshaped()
        kind = self.g.nodes[source]["kind"]
        if kind == self.g.nodes[target]["kind"]:
            self._tangled.add(kind)
        self.touch(target)

    def remove(self, node_ids: Iterable[str]) -> None:
        ids = [n for n in node_ids if n in self.g]
        if self._kind_index is not None:
            for node_id in ids:
                self._kind_index[self.g.nodes[node_id]["kind"]].remove(node_id)
        self.g.remove_nodes_from(ids)
        self._reshaped()
        self.touch(*ids)

    # --- reading ------------------------------------------------------------

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.g

    def __len__(self) -> int:
        return self.g.number_of_nodes()

    def node(self, node_id: str) -> dict[str, Any]:
        if node_id not in self.g:
            raise PlanError(f"no node {node_id!r}")
        return self.g.nodes[node_id]

    def payload(self, node_id: str) -> Any:
        return self.node(node_id)["payload"]

    def ids(self, kind: str | None = None) -> list[str]:
        """Node ids in a stable topological order, optionally of one kind.

        Nodes of one kind come in natural order (scene:2.9 before scene:2.10), from an
        index kept as nodes come and go: agents ask for every scene or shot once per
        node, and sorting 6,000 nodes each time would cost the square. Only a kind
        with edges among its own nodes needs the whole topological order.
        """
        if kind is not None:
            index = self._index()
            if kind not in self._tangled:
                return list(index.get(kind, ()))
        if self._order is None:
            self._order = list(nx.lexicographical_topological_sort(self.g, key=_natural_key))
            self._by_kind = {}
        if kind is None:
            return list(self._order)
        if kind not in self._by_kind:
            self._by_kind[kind] = [n for n in self._order if self.g.nodes[n]["kind"] == kind]
        return list(self._by_kind[kind])

    def inputs(self, node_id: str, *, content_only: bool = False) -> list[str]:
        preds = self.g.predecessors(node_id)
        if content_only:
            preds = (p for p in preds if not self.g.edges[p, node_id].get("order_only"))
        return sorted(preds, key=_natural_key)

    def outputs(self, node_id: str) -> list[str]:
        return sorted(self.g.successors(node_id), key=_natural_key)

    def downstream(self, node_id: str) -> set[str]:
        """What depends on this node, directly or not."""
        return set(nx.descendants(self.g, node_id))

    def upstream(self, node_id: str) -> set[str]:
        """What this node was made from, directly or not."""
        return set(nx.ancestors(self.g, node_id))

    def count(self, status: str | None = None, kind: str | None = None) -> int:
        return sum(
            1
            for _, d in self.g.nodes(data=True)
            if (status is None or d["status"] == status) and (kind is None or d["kind"] == kind)
        )

    # --- staleness ----------------------------------------------------------

    def compute_inputs_hash(self, node_id: str, salt: Any = None) -> str:
        """Hash of the payloads this node is made from, plus its prompt and settings."""
        data = self.node(node_id)
        sources = self.inputs(node_id, content_only=True)
        parts = {src: self.g.nodes[src]["payload"] for src in sources}
        return stable_hash({"id": node_id, "kind": data["kind"], "inputs": parts, "salt": salt})

    def mark_stale(self, node_ids: Iterable[str]) -> set[str]:
        """Mark nodes and everything downstream of them stale; returns what changed."""
        changed: set[str] = set()
        for node_id in node_ids:
            for n in {node_id} | self.downstream(node_id):
                if self.g.nodes[n]["status"] in ("done", "failed", "review", "running"):
                    self.g.nodes[n]["status"] = "stale"
                    changed.add(n)
        self.touch(*changed)
        return changed

    def invalidate(self, node_ids: Iterable[str]) -> set[str]:
        """Force nodes to be made again (a revision), and mark what they feed stale."""
        ids = list(node_ids)
        for node_id in ids:
            self.node(node_id)["inputs_hash"] = None
            self.node(node_id)["status"] = "stale"
        self.touch(*ids)
        return self.mark_stale(ids) | set(ids)

    def refresh(self, salts: dict[str, Any] | None = None) -> set[str]:
        """Find done nodes whose inputs changed and mark them (and downstream) stale."""
        salts = salts or {}
        changed: set[str] = set()
        for node_id in self.ids():
            data = self.g.nodes[node_id]
            if data["status"] != "done" or node_id in changed:
                continue
            expected = self.compute_inputs_hash(node_id, salts.get(data["kind"]))
            if data["inputs_hash"] != expected:
                changed |= self.mark_stale([node_id])
        return changed

    def ready(self) -> list[str]:
        """Nodes that can run now: not done, not running, and every input done."""
        nodes = self.g.nodes
        out = [
            node_id
            for node_id, data in nodes(data=True)
            if data["status"] in ("pending", "stale", "ready")
            and all(nodes[p]["status"] == "done" for p in self.g.predecessors(node_id))
        ]
        return sorted(out, key=_natural_key)

    def blocked_by_failure(self) -> set[str]:
        """Nodes that cannot run because something they need failed."""
        failed = [n for n, d in self.g.nodes(data=True) if d["status"] == "failed"]
        blocked: set[str] = set()
        for node_id in failed:
            blocked |= self.downstream(node_id)
        return blocked

    # --- persistence --------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Node-link JSON in one canonical order (nodes, edges and keys sorted), so the same
        plan gives the same bytes however it was built or loaded (memory, SQLite, a file)."""
        data: dict[str, Any] = nx.node_link_data(self.g, edges="edges")
        data["graph"] = dict(sorted(data["graph"].items()))
        nodes = [dict(sorted(n.items())) for n in data["nodes"]]
        data["nodes"] = sorted(nodes, key=lambda n: _natural_key(n["id"]))
        edges = [dict(sorted(e.items())) for e in data["edges"]]
        data["edges"] = sorted(
            edges, key=lambda e: (_natural_key(e["source"]), _natural_key(e["target"]))
        )
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        graph = nx.node_link_graph(data, directed=True, edges="edges")
        if not nx.is_directed_acyclic_graph(graph):
            raise PlanError("plan.json holds a cycle")
        for node_id, attrs in graph.nodes(data=True):
            for key, default in _NODE_DEFAULTS.items():
                attrs.setdefault(key, list(default) if isinstance(default, list) else default)
            attrs["id"] = node_id
        return cls(graph)

    def save(self, path: Path) -> None:
        """Write atomically: a kill at any moment leaves the old or the new file."""
        write_json_atomic(path, self.to_json())

    @classmethod
    def load(cls, path: Path) -> Plan:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))

    # --- inspection ---------------------------------------------------------

    def to_mermaid(self) -> str:
        lines = ["flowchart TD"]
        names = {n: f"n{i}" for i, n in enumerate(self.ids())}
        for node_id, short in names.items():
            status = self.g.nodes[node_id]["status"]
            lines.append(f'  {short}["{_mermaid_escape(node_id)}"]:::{status}')
        for src, dst in self.g.edges():
            lines.append(f"  {names[src]} --> {names[dst]}")
        for status, colour in _STATUS_COLOURS.items():
            lines.append(f"  classDef {status} fill:{colour}")
        return "\n".join(lines)

    def kinds_mermaid(self) -> str:
        """The graph folded to node kinds: the shape of a recipe, whatever the story's size.

        A solid arrow feeds content (and staleness); a dotted one only orders the work.
        """
        edges: dict[tuple[str, str], bool] = {}
        for src, dst, data in self.g.edges(data=True):
            key = (self.g.nodes[src]["kind"], self.g.nodes[dst]["kind"])
            edges[key] = edges.get(key, True) and bool(data.get("order_only"))
        lines = ["flowchart TD"]
        for (src, dst), order_only in sorted(edges.items()):
            lines.append(f"  {src} {'-.->' if order_only else '-->'} {dst}")
        return "\n".join(lines)

    def to_dot(self) -> str:
        lines = ["digraph plan {", "  rankdir=TB;"]
        for node_id in self.ids():
            colour = _STATUS_COLOURS[self.g.nodes[node_id]["status"]]
            lines.append(f'  "{node_id}" [style=filled fillcolor="{colour}"];')
        for src, dst in self.g.edges():
            lines.append(f'  "{src}" -> "{dst}";')
        lines.append("}")
        return "\n".join(lines)

    def iter_nodes(self, kind: str | None = None) -> Iterator[dict[str, Any]]:
        for node_id in self.ids(kind):
            yield self.g.nodes[node_id]


_STATUS_COLOURS = {
    "pending": "#eeeeee",
    "ready": "#fff3c4",
    "running": "#c4e1ff",
    "done": "#c8f0c8",
    "stale": "#ffd9a8",
    "failed": "#ffb3b3",
    "review": "#e3c8ff",
}


def _mermaid_escape(text: str) -> str:
    return text.replace('"', "#quot;")


def _natural_key(node_id: str) -> tuple[Any, ...]:
    """Sort scene:2.10 after scene:2.9."""
    kind, _, rest = node_id.partition(":")
    parts: list[Any] = [kind]
    for piece in rest.replace(":", ".").split("."):
        parts.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return tuple(parts)
