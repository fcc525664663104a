"""revise: note -> showrunner edits -> only what they touch is made again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reelwright.agents import showrunner
from reelwright.errors import UserError
from reelwright.pipeline import Services, build_services, execute
from reelwright.plan import Plan
from reelwright.revision import (
    ChangePreview,
    current_version,
    keep_writer_nodes,
    preview,
    rebaseline,
    snapshot,
)
from reelwright.scheduler import Listener, Outcome
from reelwright.settings import RunSettings
from reelwright.store import RunDir
from reelwright.tools.llm import ChatBackend
from reelwright.wiring import jobs_for


@dataclass
class Proposal:
    note: str
    changes: list[showrunner.Change]
    targets: list[str]
    preview: ChangePreview
    plan: Plan
    services: Services


def propose(
    run: RunDir,
    settings: RunSettings,
    note: str,
    nodes: list[str] | None,
    backend: ChatBackend | None = None,
) -> Proposal:
    note = " ".join(note.split())
    if not note:
        raise UserError("the note is empty: say in plain words what to change")
    plan = run.load_plan()
    services = build_services(run, settings, backend)
    if nodes:
        for node_id in nodes:
            if node_id not in plan:
                raise UserError(f"no node {node_id!r} in run {run.id} (see report.html)")
            if plan.node(node_id)["kind"] not in showrunner.EDITABLE:
                raise UserError(
                    f"{node_id} cannot be edited; name a series, character, "
                    "episode, scene or shot node"
                )
            if plan.node(node_id)["payload"] is None:
                raise UserError(f"{node_id} has not been made yet")
        changes = [showrunner.Change(node=n, instruction=note) for n in nodes]
    else:
        log = showrunner.logger_for(run.events().emit, "showrunner")
        changes = showrunner.map_note(services.llm, plan, note, log)
    targets = sorted({showrunner.edit_target(plan, c.node)[0] for c in changes})
    return Proposal(note, changes, targets, preview(plan, targets), plan, services)


def apply(
    run: RunDir,
    settings: RunSettings,
    proposal: Proposal,
    listener: Listener | None = None,
    confirm: Callable[[ChangePreview], bool] = lambda p: True,
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
        log = showrunner.logger_for(events.emit, change.node)
        showrunner.apply_edit(llm, plan, change, proposal.note, settings.lang, log)
    salts = {kind: job.salt for kind, job in jobs_for(settings).items()}
    rebaseline(plan, keep_writer_nodes(plan, set(proposal.targets)), salts)
    plan.g.graph["version"] = version + 1
    run.save_plan(plan)
    return execute(run, settings, backend=llm.backend, listener=listener)
