"""Per-agent statistics from a run's events: the one count behind `runs show` and the report.

Both read the same events through `agent_stats`, so the command line and the page
cannot disagree. Every figure is read defensively: a torn or hand-edited log gives
zeros for what it lacks, never an exception.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


def num(value: Any, default: float = 0.0) -> float:
    """A finite float, or the default for anything else (None, text, NaN, infinity)."""
    try:
        result = float(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return result if math.isfinite(result) else default


@dataclass
class AgentStats:
    """What one agent did in a run (or all of them together, for the total)."""

    nodes: int = 0  # nodes it finished
    failed: int = 0  # node runs that failed
    calls: int = 0  # model calls that reached the model
    cache_hits: int = 0  # model calls answered from the response cache
    errors: int = 0  # model replies that failed validation
    tokens_in: int = 0
    tokens_out: int = 0
    seconds: float = 0.0  # node time: node_started to node_done
    llm_seconds: float = 0.0  # time spent waiting for the model
    cost_usd: float = 0.0  # sum of the known costs, of model calls and paid tool calls
    priced: int = 0  # calls whose cost is known

    @property
    def cost(self) -> float | None:
        """Dollars spent, or None when no call had a known price (a local model, say)."""
        return self.cost_usd if self.priced else None

    @property
    def active(self) -> bool:
        """Whether the agent finished, failed or asked anything: rows worth printing."""
        return bool(self.nodes or self.failed or self.calls or self.cache_hits or self.priced)

    def add(self, other: AgentStats) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _count(row: AgentStats, event: Mapping[str, Any]) -> None:
    type_ = event.get("type")
    if type_ == "node_done":
        row.nodes += 1
        row.seconds += num(event.get("seconds"))
    elif type_ == "node_failed":
        row.failed += 1
    elif type_ == "llm_call":
        if event.get("cache_hit"):
            row.cache_hits += 1
        else:
            row.calls += 1
        row.errors += 1 if event.get("error") else 0
        row.tokens_in += int(num(event.get("tokens_in")))
        row.tokens_out += int(num(event.get("tokens_out")))
        row.llm_seconds += num(event.get("latency_s"))
    if type_ in ("llm_call", "tool_call") and event.get("cost_usd") is not None:
        row.cost_usd += num(event.get("cost_usd"))  # a paid model, or a paid service
        row.priced += 1


def agent_stats(events: Iterable[Any]) -> dict[str, AgentStats]:
    """Per agent, sorted by name; agents that did nothing (a person's note) are left out."""
    rows: dict[str, AgentStats] = {}
    for event in events:
        if not isinstance(event, Mapping):
            continue
        agent = event.get("agent")
        row = rows.setdefault(agent if isinstance(agent, str) and agent else "-", AgentStats())
        _count(row, event)
    return {name: rows[name] for name in sorted(rows) if rows[name].active}


def total(stats: Mapping[str, AgentStats]) -> AgentStats:
    """Every agent's figures added up."""
    out = AgentStats()
    for row in stats.values():
        out.add(row)
    return out
