"""What a run says while it works, on stderr.

On a terminal: a progress bar per agent with elapsed time and ETA. Piped or
logged (stderr not a terminal): one plain line per finished node (agent, node,
seconds) with the ETA, so a 45-minute run never sits silent.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from reelwright.plan import Plan

AGENTS = ("writer", "critics", "director", "cinematographer", "editor")
# Agents whose nodes wait on the model, one after another on the embedded model;
# the media agents' nodes share the remaining cores.
MODEL_AGENTS = frozenset({"writer", "critics", "director", "showrunner"})
MEDIA_WORKERS = 2


class Rates:
    """Measured seconds per node kind, and the ETA they give for what is left."""

    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = {}

    def add(self, kind: str, seconds: float) -> None:
        self.seconds.setdefault(kind, []).append(seconds)

    def mean(self, kind: str, owner: str) -> float | None:
        if self.seconds.get(kind):
            return sum(self.seconds[kind]) / len(self.seconds[kind])
        # A kind not yet seen: media nodes are quick; a model node is priced by the caller.
        return None if owner in MODEL_AGENTS else 0.5

    def eta(self, plan: Plan) -> float | None:
        """Seconds left for the nodes known so far; None until something was measured."""
        if not self.seconds:
            return None
        model, media = 0.0, 0.0
        for node in plan.iter_nodes():
            if node["status"] == "done":
                continue
            mean = self.mean(node["kind"], node["owner"])
            if mean is None:
                known = [s for k in self.seconds for s in self.seconds[k]]
                mean = max(known)  # a model node of a new kind: assume a slow one
            if node["owner"] in MODEL_AGENTS:
                model += mean
            else:
                media += mean
        return model + media / MEDIA_WORKERS


def clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class PlainLines:
    """One line per finished node, for a pipe or a log file where a live bar is noise:

    `[ 1m02s] director        shotlist:1.2       done     31.2s  (12/40 nodes, eta 4m10s)`
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.started: dict[str, float] = {}
        self.t0 = time.monotonic()
        self.rates = Rates()

    def __call__(self, node_id: str, status: str, plan: Plan) -> None:
        now = time.monotonic()
        if status == "running":
            self.started[node_id] = now
            return
        if status not in ("done", "failed") or node_id not in self.started:
            return
        seconds = now - self.started.pop(node_id)
        node = plan.node(node_id) if node_id in plan else {"kind": "", "owner": ""}
        if status == "done":
            self.rates.add(node["kind"], seconds)
        done = sum(1 for n in plan.iter_nodes() if n["status"] == "done")
        total = len(plan)
        eta = self.rates.eta(plan)
        eta_text = f", eta {clock(eta)}" if eta is not None else ""
        print(
            f"[{clock(now - self.t0):>6}] {node['owner']:<15} {node_id:<18} {status:<6} "
            f"{seconds:6.1f}s  ({done}/{total} nodes{eta_text})",
            file=self.stream,
            flush=True,
        )


class RunProgress:
    """Listener for the scheduler: a live bar on a terminal, plain lines otherwise."""

    def __init__(self, enabled: bool | None = None) -> None:
        if enabled is None:
            forced = os.environ.get("REELWRIGHT_PROGRESS")
            enabled = forced == "1" if forced in ("0", "1") else sys.stderr.isatty()
        self.plain = None if enabled else PlainLines()
        self.console = Console(stderr=True, force_terminal=enabled or None)
        self.progress = Progress(
            TextColumn("{task.description:<16}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[node]}"),
            console=self.console,
            disable=not enabled,
        )
        self.tasks: dict[str, TaskID] = {}
        self.lock = threading.Lock()

    def __enter__(self) -> RunProgress:
        self.progress.start()
        self.tasks["all"] = self.progress.add_task("all nodes", total=1, node="")
        for agent in AGENTS:
            self.tasks[agent] = self.progress.add_task(agent, total=0, node="")
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, node_id: str, status: str, plan: Plan) -> None:
        with self.lock:
            if self.plain is not None:
                self.plain(node_id, status, plan)
                return
            totals: dict[str, list[int]] = {a: [0, 0] for a in AGENTS}
            for node in plan.iter_nodes():
                counts = totals.setdefault(node["owner"], [0, 0])
                counts[1] += 1
                counts[0] += node["status"] == "done"
            owner = plan.node(node_id)["owner"] if node_id in plan else ""
            for agent, (done, total) in totals.items():
                if agent in self.tasks:
                    label = node_id if agent == owner and status == "running" else ""
                    self.progress.update(self.tasks[agent], completed=done, total=total, node=label)
            done = sum(c[0] for c in totals.values())
            total = sum(c[1] for c in totals.values())
            self.progress.update(
                self.tasks["all"], completed=done, total=total, node=f"{status}: {node_id}"
            )
