"""Run directories: create, find, and keep every run id inside runs/."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import tomli_w

from reelwright import __version__
from reelwright.errors import UserError
from reelwright.events import EventLog
from reelwright.plan import Plan
from reelwright.plan_store import PlanStore, load_plan
from reelwright.settings import RunSettings

_ID_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


@dataclass
class RunDir:
    """One run's folder and the files every command reads."""

    path: Path

    @property
    def id(self) -> str:
        return self.path.name

    @property
    def plan_path(self) -> Path:
        return self.path / "plan.json"

    @property
    def events_path(self) -> Path:
        return self.path / "events.jsonl"

    @property
    def cache_path(self) -> Path:
        return self.path / "cache"

    def settings(self) -> RunSettings:
        data = tomllib.loads((self.path / "run.toml").read_text(encoding="utf-8"))
        return RunSettings.model_validate(data["settings"])

    def save_settings(self, settings: RunSettings) -> None:
        data: dict[str, Any] = {
            "reelwright": {"version": __version__},
            "settings": settings.model_dump(exclude_none=True),
        }
        (self.path / "run.toml").write_text(tomli_w.dumps(data), encoding="utf-8")

    def load_plan(self) -> Plan:
        """The current plan: the SQLite store where it is current, else plan.json."""
        return load_plan(self.path)

    def save_plan(self, plan: Plan) -> None:
        """Store the plan in full and export plan.json (a gate, a revision, an undo)."""
        store = PlanStore(self.path)
        try:
            store.export(plan)
        finally:
            store.close()

    def events(self) -> EventLog:
        return EventLog(self.events_path, self.id)


def slug_for(premise: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", premise.lower())
    return "-".join(words[:5])[:40] or "series"


def new_run(runs_dir: Path, settings: RunSettings) -> RunDir:
    runs_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = f"{stamp}-{slug_for(settings.premise)}"
    path = runs_dir / base
    n = 1
    while path.exists():
        n += 1
        path = runs_dir / f"{base}-{n}"
    path.mkdir()
    run = RunDir(path)
    run.save_settings(settings)
    return run


def resolve_run(runs_dir: Path, ref: str) -> RunDir:
    """A run id under runs_dir, or a path to a run folder inside it; nothing else."""
    root = runs_dir.resolve()
    candidate = Path(ref)
    if candidate.is_absolute() or "/" in ref or "\\" in ref or ref.startswith("."):
        path = candidate.resolve()
    else:
        if not _ID_OK.match(ref):
            raise UserError(f"not a run id: {ref!r}")
        path = (root / ref).resolve()
    if path.parent != root:
        raise UserError(f"run {ref!r} is not inside the runs folder {root}")
    if not (path / "run.toml").is_file():
        raise UserError(f"no run {ref!r} in {root} (see: reelwright runs list)")
    return RunDir(path)


def list_runs(runs_dir: Path) -> list[RunDir]:
    if not runs_dir.is_dir():
        return []
    return [RunDir(p) for p in sorted(runs_dir.iterdir()) if (p / "run.toml").is_file()]
