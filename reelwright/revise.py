"""revise: a note becomes node edits, and only what they touch is made again.

The recipe's note editor (the showrunner, for the drama) names the nodes and
rewrites them; the recipe says which made nodes a revision keeps as they are; the
plan's hashes decide the rest. Each applied revision is a version (see versions.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from reelwright import ids
from reelwright.context import Services
from reelwright.errors import UserError
from reelwright.events import EventLog
from reelwright.pipeline import build_services, execute, load_plan
from reelwright.plan import Plan
from reelwright.scheduler import Listener, Outcome
from reelwright.settings import RunSettings
from reelwright.spending import APPROVED
from reelwright.store import RunDir
from reelwright.tools.llm import CallRecord, ChatBackend
from reelwright.versions import current_version, snapshot
from reelwright.workflow import CallLog, Change, Recipe


@dataclass
class ChangePreview:
    """What a revision will do, shown before it is applied."""

    edits: list[str]
    stale: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    estimated_calls: int = 0

    def lines(self) -> list[str]:
        out = [f"edit      {', '.join(self.edits)}"]
        out.append(f"re-make   {len(self.stale)} node(s) downstream: " + _summary(self.stale))
        if self.kept:
            out.append(
                f"keep      {len(self.kept)} writer node(s) as they are: " + _summary(self.kept)
            )
        out.append(f"estimate  about {self.estimated_calls} model call(s) (cache hits are free)")
        return out


def _summary(node_ids: list[str]) -> str:
    counts = Counter(ids.kind_of(n) for n in node_ids)
    return ", ".join(f"{n} {k}" for k, n in counts.items()) or "none"


def preview(plan: Plan, targets: list[str], recipe: Recipe) -> ChangePreview:
    """Walk downstream from the edited nodes; a kept node stops the walk."""
    edited = set(targets)
    kept = set(recipe.keep_on_revision(plan, edited))
    stale: set[str] = set()
    frontier = list(targets)
    while frontier:
        for child in plan.outputs(frontier.pop()):
            if child not in stale and child not in kept and child not in edited:
                stale.add(child)
                frontier.append(child)
    calls = len(targets) + sum(1 for n in stale if plan.node(n)["kind"] in recipe.model_kinds)
    reached: set[str] = set()
    for target in targets:
        reached |= plan.downstream(target)
    return ChangePreview(
        edits=targets,
        stale=sorted(stale),
        kept=sorted(kept & reached),
        estimated_calls=calls,
    )


def rebaseline(plan: Plan, kept: list[str], salts: dict[str, object]) -> None:
    """Accept kept nodes under their new inputs, so the hash does not re-make them."""
    for node_id in kept:
        node = plan.node(node_id)
        node["inputs_hash"] = plan.compute_inputs_hash(node_id, salts.get(node["kind"]))


@dataclass
class Proposal:
    note: str
    changes: list[Change]
    targets: list[str]
    preview: ChangePreview
    plan: Plan
    services: Services


def call_logger(events: EventLog, node: str) -> CallLog:
    def log(record: CallRecord) -> None:
        events.emit(
            "llm_call",
            agent="showrunner",
            node=node,
            prompt="showrunner",
            **record.model_dump(mode="json"),
        )

    return log


def propose(
    run: RunDir,
    settings: RunSettings,
    note: str,
    nodes: list[str] | None,
    recipe: Recipe,
    backend: ChatBackend | None = None,
) -> Proposal:
    note = " ".join(note.split())
    if not note:
        raise UserError("the note is empty: say in plain words what to change")
    plan = load_plan(run, recipe)
    services = build_services(run, settings, backend)
    editor = recipe.editor
    if nodes:
        for node_id in nodes:
            if node_id not in plan:
                raise UserError(f"no node {node_id!r} in run {run.id} (see report.html)")
            if plan.node(node_id)["kind"] not in editor.editable:
                raise UserError(
                    f"{node_id} cannot be edited; name one of these kinds of node: "
                    + ", ".join(editor.editable)
                )
            if plan.node(node_id)["payload"] is None:
                raise UserError(f"{node_id} has not been made yet")
        changes = [Change(node=n, instruction=note) for n in nodes]
    else:
        changes = editor.map_note(services.llm, plan, note, call_logger(run.events(), "showrunner"))
    targets = sorted({editor.target(plan, c.node) for c in changes})
    return Proposal(note, changes, targets, preview(plan, targets, recipe), plan, services)


def apply(
    run: RunDir,
    settings: RunSettings,
    proposal: Proposal,
    recipe: Recipe,
    listener: Listener | None = None,
    confirm: Callable[[ChangePreview], bool] = lambda p: True,
    yes: bool = False,
    notify: Callable[[list[str]], None] | None = None,
) -> Outcome | None:
    if not confirm(proposal.preview):
        return None
    plan = proposal.plan
    version = current_version(plan)
    run.save_plan(plan)  # the version keeps the plan as it is now, in plan.json
    snapshot(run, version, proposal.note)
    events = run.events()
    events.emit(
        "human_note",
        agent="human",
        note=proposal.note,
        nodes=[c.node for c in proposal.changes],
        version=version + 1,
    )
    llm = proposal.services.llm
    for change in proposal.changes:
        log = call_logger(events, change.node)
        recipe.editor.apply(llm, plan, change, proposal.note, settings.lang, log)
    kept = recipe.keep_on_revision(plan, set(proposal.targets))
    rebaseline(plan, kept, recipe.salts(settings))
    plan.g.graph["version"] = version + 1
    plan.g.graph.pop(APPROVED, None)  # the revision's paid work is estimated and agreed anew
    run.save_plan(plan)
    return execute(
        run, settings, recipe, backend=llm.backend, listener=listener, yes=yes, notify=notify
    )
