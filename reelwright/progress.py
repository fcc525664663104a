"""A progress bar on stderr: by agent and node, with elapsed time and ETA."""

from __future__ import annotations

import os
import sys
import threading
from types import TracebackType

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


class RunProgress:
    """Listener for the scheduler; counts done nodes per agent as the graph grows."""

    def __init__(self, enabled: bool | None = None) -> None:
        if enabled is None:
            forced = os.environ.get("REELWRIGHT_PROGRESS")
            enabled = forced == "1" if forced in ("0", "1") else sys.stderr.isatty()
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

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.progress.stop()

    def __call__(self, node_id: str, status: str, plan: Plan) -> None:
        with self.lock:
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
