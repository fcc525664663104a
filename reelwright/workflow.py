"""The contract between the engine and what it makes.

The plan, the scheduler, the pipeline and the revision code know nothing of drama:
they are handed a `Recipe`, which says which node kinds exist, how each is made, how
the graph grows, where a run stops for review, what a revision keeps and what is
published. `reelwright/recipe.py` is the one recipe, the short drama.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from reelwright.events import EventLog
from reelwright.plan import Plan
from reelwright.scheduler import Job
from reelwright.settings import RunSettings
from reelwright.store import RunDir
from reelwright.tools.llm import LLM, CallRecord

CallLog = Callable[[CallRecord], None]


@dataclass(frozen=True)
class Change:
    """One edit a note asks for: which node, and what to change in it."""

    node: str
    instruction: str


class NoteEditor(Protocol):
    """Turns a person's note into node edits (the showrunner, for the drama)."""

    editable: tuple[str, ...]

    def map_note(self, llm: LLM, plan: Plan, note: str, log: CallLog) -> list[Change]: ...

    def target(self, plan: Plan, node_id: str) -> str: ...

    def apply(
        self, llm: LLM, plan: Plan, change: Change, note: str, lang: str, log: CallLog
    ) -> str: ...


@dataclass(frozen=True)
class Recipe:
    """Everything the engine needs to know about the thing being made."""

    kinds: tuple[str, ...]
    planning_kinds: frozenset[str]  # what --plan-only makes: everything before the media
    seed: Callable[[Plan], None]
    jobs: Callable[[RunSettings], dict[str, Job]]
    limits: Callable[[RunSettings, int], dict[str, int]]
    gates: tuple[str, ...]
    gate_reached: Callable[[Plan, str], bool]
    model_kinds: frozenset[str]
    keep_on_revision: Callable[[Plan, set[str]], list[str]]
    editor: NoteEditor
    publish: Callable[[RunDir, Plan, RunSettings, EventLog], Any]

    def salts(self, settings: RunSettings) -> dict[str, Any]:
        return {kind: job.salt for kind, job in self.jobs(settings).items()}
