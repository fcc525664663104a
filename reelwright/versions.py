"""Versions: each revision is a version, and undo restores the one before.

A version is a copy of the run folder (less the cache and the versions
themselves) taken before a revision is applied, so undo gives back the exact
bytes of plan.json and every file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from reelwright.errors import UserError
from reelwright.events import EventLog
from reelwright.plan import Plan
from reelwright.plan_store import DB_FILES
from reelwright.store import RunDir

# the SQLite store is not versioned: plan.json is, and a restored plan.json wins on load
_KEEP = {"cache", "versions", "events.jsonl", *DB_FILES}


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
