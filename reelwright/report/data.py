"""Everything the report shows, read from a run folder that may be partial or damaged.

Nothing here trusts the files: a missing plan, a torn events line or a payload
of the wrong shape gives an empty section and a note, never an exception.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reelwright.events import read_events
from reelwright.report.stats import agent_stats, num, total


def natural_key(node_id: str) -> tuple[Any, ...]:
    """Sort scene:2.10 after scene:2.9 (the plan's own order)."""
    kind, _, rest = str(node_id).partition(":")
    parts: list[Any] = [kind]
    for piece in rest.replace(":", ".").split("."):
        parts.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return tuple(parts)


def parse_ts(value: Any) -> float | None:
    """Seconds since the epoch for an ISO timestamp; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:  # the event log writes UTC; a bare time is read as UTC too
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    except (ValueError, OverflowError, OSError):
        return None


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass
class Span:
    """One run of one node: from node_started to node_done or node_failed (or the log's end)."""

    node: str
    agent: str
    kind: str
    start: float
    end: float
    outcome: str  # done, failed, unfinished


@dataclass
class Version:
    name: str
    number: int
    note: str
    nodes: dict[str, dict[str, Any]] | None


@dataclass
class RunData:
    path: Path
    run_id: str
    settings: dict[str, Any] = field(default_factory=dict)
    premise: str = ""
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[tuple[str, str, bool]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def of_type(self, type_: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("type") == type_]

    def ids(self, kind: str) -> list[str]:
        return sorted((n for n, d in self.nodes.items() if d.get("kind") == kind), key=natural_key)

    def payload(self, node_id: str) -> dict[str, Any]:
        return as_dict(self.nodes.get(node_id, {}).get("payload"))

    @property
    def title(self) -> str:
        return str(self.payload("series").get("title") or self.run_id)

    @property
    def status(self) -> str:
        done = self.of_type("run_done")
        if done:
            return str(done[-1].get("status", "done"))
        return "incomplete" if self.events else "not started"


def load_run(path: Path) -> RunData:
    data = RunData(path=path, run_id=path.name)
    _load_settings(data)
    _load_plan(data)
    try:
        data.events = [e for e in read_events(path / "events.jsonl") if isinstance(e, dict)]
    except (OSError, UnicodeDecodeError) as exc:
        data.problems.append(f"events.jsonl unreadable: {exc}")
    data.events.sort(key=lambda e: num(e.get("seq"), 0))
    started = data.of_type("run_started")
    if started:
        data.premise = data.premise or str(started[0].get("premise") or "")
        data.settings = data.settings or as_dict(started[0].get("settings"))
    data.versions = _load_versions(path)
    return data


def _load_settings(data: RunData) -> None:
    toml = data.path / "run.toml"
    if not toml.is_file():
        return
    try:
        parsed = tomllib.loads(toml.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        data.problems.append(f"run.toml unreadable: {exc}")
        return
    data.settings = as_dict(parsed.get("settings"))
    data.premise = str(data.settings.get("premise") or "")


def read_plan_nodes(path: Path) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str, bool]]]:
    """Nodes by id and (source, target, order_only) edges from node-link JSON."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    nodes: dict[str, dict[str, Any]] = {}
    for node in as_list(as_dict(raw).get("nodes")):
        if isinstance(node, dict) and "id" in node:
            nodes[str(node["id"])] = node
    edges = []
    for edge in as_list(raw.get("edges", raw.get("links"))):
        if isinstance(edge, dict) and edge.get("source") in nodes and edge.get("target") in nodes:
            edges.append((str(edge["source"]), str(edge["target"]), bool(edge.get("order_only"))))
    return nodes, edges


def _load_plan(data: RunData) -> None:
    plan = data.path / "plan.json"
    if not plan.is_file():
        data.problems.append("no plan.json yet")
        return
    try:
        data.nodes, data.edges = read_plan_nodes(plan)
    except (OSError, ValueError, AttributeError) as exc:
        data.problems.append(f"plan.json unreadable: {exc}")


def _load_versions(path: Path) -> list[Version]:
    root = path / "versions"
    if not root.is_dir():
        return []
    out = []
    for folder in root.iterdir():
        match = re.fullmatch(r"v(\d+)", folder.name)
        if not folder.is_dir() or not match:
            continue
        note = ""
        if (folder / "note.txt").is_file():
            note = (folder / "note.txt").read_text(encoding="utf-8", errors="replace")
        nodes = None
        if (folder / "plan.json").is_file():
            try:
                nodes, _ = read_plan_nodes(folder / "plan.json")
            except (OSError, ValueError, AttributeError):
                nodes = None
        out.append(Version(folder.name, int(match.group(1)), note, nodes))
    return sorted(out, key=lambda v: v.number)


# --- derived figures ---------------------------------------------------------


def spans(data: RunData) -> list[Span]:
    """Node runs from the event log; the plan's timestamps when the log has none."""
    out: list[Span] = []
    open_: dict[str, tuple[float, str, str]] = {}
    last = 0.0
    for event in data.events:
        ts = parse_ts(event.get("ts"))
        if ts is None:
            continue
        last = max(last, ts)
        node = event.get("node")
        kind = event.get("type")
        if not isinstance(node, str):
            continue
        if kind == "node_started":
            agent = str(event.get("agent") or data.nodes.get(node, {}).get("owner") or "-")
            open_[node] = (ts, agent, str(event.get("kind") or ""))
        elif kind in ("node_done", "node_failed") and node in open_:
            start, agent, k = open_.pop(node)
            out.append(Span(node, agent, k, start, ts, "done" if kind == "node_done" else "failed"))
    for node, (start, agent, k) in open_.items():
        out.append(Span(node, agent, k, start, max(last, start), "unfinished"))
    if not out:
        for node_id, node in data.nodes.items():
            began, end = parse_ts(node.get("started_at")), parse_ts(node.get("finished_at"))
            if began is not None:
                status = str(node.get("status"))
                out.append(
                    Span(
                        node_id,
                        str(node.get("owner") or "-"),
                        str(node.get("kind")),
                        began,
                        end if end is not None else began,
                        status if status in ("done", "failed") else "unfinished",
                    )
                )
    return out


def totals(data: RunData) -> dict[str, Any]:
    """The overview's figures; model calls, tokens and cost come from `agent_stats`."""
    times = [t for t in (parse_ts(e.get("ts")) for e in data.events) if t is not None]
    by_status: dict[str, int] = defaultdict(int)
    for node in data.nodes.values():
        by_status[str(node.get("status"))] += 1
    all_agents = total(agent_stats(data.events))
    return {
        "nodes": len(data.nodes),
        "by_status": dict(sorted(by_status.items())),
        "calls": all_agents.calls,
        "cache_hits": all_agents.cache_hits,
        "tokens_in": all_agents.tokens_in,
        "tokens_out": all_agents.tokens_out,
        "cost": all_agents.cost,
        "wall_s": (max(times) - min(times)) if times else 0.0,
        "events": len(data.events),
    }


def safe_rel(run_path: Path, rel: Any) -> str | None:
    """A payload path usable as a link: relative, inside the run folder, and existing."""
    if not isinstance(rel, str) or not rel or "\\" in rel or ":" in rel.split("/")[0]:
        return None
    candidate = Path(rel)
    if candidate.is_absolute():
        return None
    root = run_path.resolve()
    try:
        full = (root / candidate).resolve()
        full.relative_to(root)
    except (ValueError, OSError):
        return None
    return candidate.as_posix() if full.is_file() else None
