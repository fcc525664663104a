"""Where the scheduler runs jobs: threads in this process (the default) or a Ray cluster.

Ray is an optional extra (`pip install 'reelwright[ray]'`); nothing here imports it
unless a run asks for `--executor ray`.
"""

from __future__ import annotations

from typing import Any

from reelwright.scheduler import Executor
from reelwright.settings import RunSettings


def make_executor(settings: RunSettings, services: Any) -> Executor | None:
    """None means the scheduler's own thread pool."""
    if getattr(settings, "executor", "local") != "ray":
        return None
    from reelwright.executors.ray import RayExecutor

    return RayExecutor(settings, services, address=settings.ray_address)
