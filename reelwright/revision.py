"""Revisions: a note becomes node edits, each revision is a version, undo restores it.

A version is a copy of the run folder (less the cache and the versions
themselves) taken before a revision is applied, so undo gives back the exact
bytes of plan.json and every file.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from reelwright.errors import UserError
from reelwright.events import EventLog
from reelwright.plan import Plan
from reelwright.plan_store import DB_FILES
from reelwright.store import RunDir

# the SQLite store is not versioned: plan.json is, and a restored plan.json wins on load
_KEEP = {"cache", "versions", "events.jsonl", *DB_FILES}
LLM_KINDS = {"series", "episode", "scene", "critique", "shotlist"}


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


def _summary(ids: list[str]) -> str:
    counts: dict[str, int] = {}
    for node_id in ids:
        kind = node_id.split(":")[0]
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{n} {k}" for k, n in counts.items()) or "none"


def keep_writer_nodes(plan: Plan, edited: set[str]) -> list[str]:
    """Outlines and scenes the note did not name stay as written.

    A changed bible does not rewrite the story by itself: the showrunner names the
    scenes to rewrite. An edited outline does rewrite its own scenes.
    """
    kept = []
    edited_episodes = {e for e in edited if e.startswith("episode:")}
    for node_id in plan.ids():
        node = plan.node(node_id)
        if node["kind"] not in ("episode", "scene") or node_id in edited:
            continue
        if node["kind"] == "scene":
            episode = "episode:" + node_id.split(":")[1].split(".")[0]
            if episode in edited_episodes:
                continue
        if node["status"] == "done" or node["payload"] is not None:
            kept.append(node_id)
    return kept


def preview(plan: Plan, targets: list[str]) -> ChangePreview:
    """Walk downstream from the edited nodes; a kept writer node stops the walk."""
    edited = set(targets)
    kept = set(keep_writer_nodes(plan, edited))
    stale: set[str] = set()
    frontier = list(targets)
    while frontier:
        for child in plan.outputs(frontier.pop()):
            if child not in stale and child not in kept and child not in edited:
                stale.add(child)
                frontier.append(child)
    calls = len(targets) + sum(1 for n in stale if plan.node(n)["kind"] in LLM_KINDS)
    return ChangePreview(
        edits=targets,
        stale=sorted(stale),
        kept=sorted(k for k in kept if k in _reached(plan, targets)),
        estimated_calls=calls,
    )


def _reached(plan: Plan, targets: list[str]) -> set[str]:
    out: set[str] = set()
    for target in targets:
        out |= plan.downstream(target)
    return out


def rebaseline(plan: Plan, kept: list[str], salts: dict[str, object]) -> None:
    """Accept kept nodes under their new inputs, so the hash does not re-make them."""
    for node_id in kept:
        node = plan.node(node_id)
        node["inputs_hash"] = plan.compute_inputs_hash(node_id, salts.get(node["kind"]))


# --- versions ----------------------------------------------------------------


def versions_dir(run: RunDir) -> Path:
    return run.path / "versions"


def version_numbers(run: RunDir) -> list[int]:
    folder = versions_dir(run)
    if not folder.is_dir():
        return []
    return sorted(int(p.name[1:]) for p in folder.iterdir() if p.name[1:].isdigit())


def current_version(plan: Plan) -> int:
    return int(plan.g.graph.get("version", 0))


def snapshot(run: RunDir, version: int, note: str) -> Path:
    """Copy the run as it is now into versions/vN."""
    target = versions_dir(run) / f"v{version}"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for item in run.path.iterdir():
        if item.name in _KEEP or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name)
        else:
            shutil.copy2(item, target / item.name)
    (target / "note.txt").write_text(note, encoding="utf-8")
    return target


def undo(run: RunDir, events: EventLog) -> int:
    """Put back the run as it was before the last revision."""
    numbers = version_numbers(run)
    if not numbers:
        raise UserError(f"run {run.id} has no earlier version to go back to")
    number = numbers[-1]
    source = versions_dir(run) / f"v{number}"
    for item in run.path.iterdir():
        if item.name in _KEEP or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.rmtree(item)
        else:
            item.unlink()
    for item in source.iterdir():
        if item.name == "note.txt":
            continue
        if item.is_dir():
            shutil.copytree(item, run.path / item.name)
        else:
            shutil.copy2(item, run.path / item.name)
    note = (
        (source / "note.txt").read_text(encoding="utf-8") if (source / "note.txt").exists() else ""
    )
    shutil.rmtree(source)
    events.emit("human_note", agent="human", note=f"undo: {note}", nodes=[], version=number)
    return number


def plan_at(run: RunDir, version: int | None) -> Plan:
    """The plan of an earlier version, or the current one for None."""
    if version is None:
        return run.load_plan()
    path = versions_dir(run) / f"v{version}" / "plan.json"
    if not path.exists():
        raise UserError(f"run {run.id} has no version {version}")
    return Plan.load(path)
