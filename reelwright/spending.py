"""Money: which node kinds call a paid service, what was spent, and a hard budget cap.

Paid work is held back until the plan knows every paid call (the spend gate, see
pipeline.execute): then the estimate is exact, printed, agreed to and checked against
`--budget` before the first paid call. While paid nodes run, `SpendLedger.reserve` stops
any call that would take spending past the budget, and the run stays resumable.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reelwright.errors import BudgetExceeded
from reelwright.events import read_events
from reelwright.plan import Plan
from reelwright.settings import RunSettings

APPROVED = "spend_approved"  # plan.g.graph key: the paid work was agreed to


def hosted_video(settings: RunSettings) -> bool:
    return settings.video in ("kling", "seedance", "hailuo")


def paid_kinds(settings: RunSettings) -> set[str]:
    """Node kinds whose jobs call a paid service under these settings."""
    kinds: set[str] = set()
    if hosted_video(settings):
        kinds.add("clip")
    if settings.images.startswith("openai-images:"):
        kinds |= {"frame", "character"}
    if settings.voices.startswith("openai-speech:"):
        kinds.add("line")
    return kinds


def held(settings: RunSettings) -> Callable[[Plan, str], bool]:
    """The scheduler's hold: paid nodes wait until the spend is agreed to."""
    kinds = paid_kinds(settings)

    def hold(plan: Plan, node_id: str) -> bool:
        return (
            bool(kinds) and not plan.g.graph.get(APPROVED) and plan.node(node_id)["kind"] in kinds
        )

    return hold


def waiting(plan: Plan, settings: RunSettings) -> list[str]:
    """Paid nodes not yet made."""
    kinds = paid_kinds(settings)
    return [
        n for n in plan.ids() if plan.node(n)["kind"] in kinds and plan.node(n)["status"] != "done"
    ]


def spent_by(events_path: Path) -> dict[str, dict[str, float]]:
    """USD spent so far by agent and by backend, from the event log (llm and tool calls)."""
    agents: dict[str, float] = defaultdict(float)
    backends: dict[str, float] = defaultdict(float)
    for event in read_events(events_path):
        cost = event.get("cost_usd")
        if not cost or event.get("type") not in ("llm_call", "tool_call"):
            continue
        backend = event.get("model") if event["type"] == "llm_call" else event.get("tool")
        agents[str(event.get("agent") or "-")] += float(cost)
        backends[str(backend or "-")] += float(cost)
    return {"agents": dict(agents), "backends": dict(backends)}


def total_spent(events_path: Path) -> float:
    return round(sum(spent_by(events_path)["backends"].values()), 6)


def spent_lines(events_path: Path) -> list[str]:
    """For `runs show` and the report: what was spent, by agent and by backend."""
    spent = spent_by(events_path)
    total = sum(spent["backends"].values())
    lines = [f"spent    ${total:.4f}"]
    for title in ("agents", "backends"):
        for name, usd in sorted(spent[title].items()):
            lines.append(f"  {title[:-1]:<8}{name:<40}${usd:.4f}")
    return lines


class SpendLedger:
    """Thread-safe running total against a budget: reserve before a call, settle after."""

    def __init__(self, budget: float | None, spent: float = 0.0, run_id: str = "RUN") -> None:
        self.budget = budget
        self.spent = spent
        self.reserved = 0.0
        self.run_id = run_id
        self._lock = threading.Lock()

    def reserve(self, what: str, usd: float, *, committed: bool = False) -> None:
        """Hold `usd` for a call; refuse one that would pass the budget.

        `committed`: the money was spent by an earlier process (a task created before a
        kill); it counts, but is never refused.
        """
        with self._lock:
            after = self.spent + self.reserved + usd
            if not committed and self.budget is not None and after > self.budget + 1e-9:
                raise BudgetExceeded(
                    f"{what} (${usd:.4f}) would take spending to ${after:.4f}, past the "
                    f"budget of ${self.budget:.2f}; nothing was sent. Resume with a larger "
                    f"budget: reelwright resume {self.run_id} --budget USD"
                )
            self.reserved += usd

    def settle(self, reserved: float, actual: float) -> None:
        with self._lock:
            self.reserved -= reserved
            self.spent += actual

    def release(self, reserved: float) -> None:
        self.settle(reserved, 0.0)


class MeteredVideo:
    """A hosted VideoBackend with the ledger in front of it."""

    def __init__(self, inner: Any, ledger: SpendLedger) -> None:
        self.inner, self.ledger = inner, ledger
        self.name, self.paid, self.resumable = inner.name, True, True

    def render(self, req: Any, out: Path, checkpoint: Any = None) -> Path:
        _, price = self.inner.quote(req)
        committed = self.inner.committed(req, checkpoint)
        self.ledger.reserve(f"{self.name} clip for shot {req.shot_id}", price, committed=committed)
        try:
            path: Path = self.inner.render(req, out, checkpoint)
        except BaseException:
            self.ledger.release(price)  # a failed task is not billed; an unknown one is reported
            raise
        saved = checkpoint.load() if checkpoint is not None else None
        self.ledger.settle(price, float((saved or {}).get("price_usd", price)))
        return path


class MeteredImages:
    def __init__(self, inner: Any, ledger: SpendLedger) -> None:
        self.inner, self.ledger = inner, ledger
        self.name, self.paid = inner.name, True

    def price(self) -> float:
        return float(self.inner.price())

    def _call(self, what: str, fn: Any, req: Any, out: Path) -> Path:
        price = self.price()
        self.ledger.reserve(what, price)
        try:
            path: Path = fn(req, out)
        except BaseException:
            self.ledger.release(price)
            raise
        self.ledger.settle(price, price)
        return path

    def render(self, req: Any, out: Path) -> Path:
        return self._call(f"{self.name} frame for shot {req.shot_id}", self.inner.render, req, out)

    def render_sheet(self, req: Any, out: Path) -> Path:
        return self._call(f"{self.name} sheet for {req.name}", self.inner.render_sheet, req, out)


class MeteredVoices:
    def __init__(self, inner: Any, ledger: SpendLedger) -> None:
        self.inner, self.ledger = inner, ledger
        self.name, self.paid = inner.name, True

    def price(self, text: str) -> float:
        return float(self.inner.price(text))

    def speak(self, req: Any, out: Path) -> Any:
        price = self.price(req.text)
        self.ledger.reserve(f"{self.name} line {req.line_id}", price)
        try:
            spoken = self.inner.speak(req, out)
        except BaseException:
            self.ledger.release(price)
            raise
        self.ledger.settle(price, price)
        return spoken


def meter(services: Any, run: Any) -> None:
    """Put the budget ledger in front of every paid backend of the run."""
    settings = services.settings
    ledger = SpendLedger(settings.budget_usd, total_spent(run.events_path), run.id)
    services.spend = ledger
    if getattr(services.video, "paid", False):
        services.video = MeteredVideo(services.video, ledger)
    if getattr(services.images, "paid", False):
        services.images = MeteredImages(services.images, ledger)
    if getattr(services.voices, "paid", False):
        services.voices = MeteredVoices(services.voices, ledger)
