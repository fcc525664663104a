"""Helpers shared by the command-line tests."""

from __future__ import annotations

import os
import subprocess
import sys

PREMISE = "A young fisherman battles the raging sea to save his mother"


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: int = 900
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reelwright.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


SECONDS = 45  # per episode in the shared end-to-end run
