"""Hosted video services behind the VideoBackend interface: Kling, Seedance (Ark), Hailuo.

`make_hosted("kling", None, os.environ)` builds a backend from its keys in the
environment; each module follows its service's public API (create, poll, download).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from .tasks import Checkpoint, HostedVideoBackend, MemoryCheckpoint, StillRunning, UnknownOutcome

SERVICES = ("kling", "seedance", "hailuo")

__all__ = [
    "SERVICES",
    "Checkpoint",
    "HostedVideoBackend",
    "MemoryCheckpoint",
    "StillRunning",
    "UnknownOutcome",
    "make_hosted",
]


def make_hosted(
    service: str, model: str | None, env: Mapping[str, str], **options: Any
) -> HostedVideoBackend:
    if service not in SERVICES:
        raise ValueError(f"unknown video service {service!r}")
    module = importlib.import_module(f"{__name__}.{service}")
    return module.make(model, env, **options)  # type: ignore[no-any-return]
