"""Helpers shared by the command-line tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from openai_stub import StubState, openai_stub

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


@dataclass
class ScriptedEndpoint:
    """A local OpenAI-compatible endpoint serving a scripted story, as the CLI sees it."""

    llm: str
    env: dict[str, str]
    state: StubState


@contextmanager
def scripted_endpoint(
    script: dict[str, Any], concurrency: int | None = None
) -> Iterator[ScriptedEndpoint]:
    """Serve `script` (see fake_story.story_script) for the CLI runs inside the block."""
    delay_s = float(script.get("delay_s", 0.0))
    with openai_stub(script["replies"], delay_s=delay_s, replay=True) as (
        url,
        state,
    ):
        env = {"OPENAI_BASE_URL": url, "OPENAI_API_KEY": "sk-test-key-not-real"}
        if concurrency:
            env["REELWRIGHT_LLM_CONCURRENCY"] = str(concurrency)
        yield ScriptedEndpoint("openai:stub-model", env, state)
