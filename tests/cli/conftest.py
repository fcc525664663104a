"""One real two-episode run through the whole pipeline, shared by the end-to-end tests.

The model is a local OpenAI-compatible stub serving a scripted story, so the
run goes through ChatOpenAI, the scheduler, every agent, and the real offline
media backends (storyboard frames, animatics, voices, ffmpeg, OTIO).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_helpers import PREMISE, SECONDS, run_cli
from fake_story import story_script
from openai_stub import openai_stub


@pytest.fixture(scope="session")
def stub_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    runs = tmp_path_factory.mktemp("runs")
    script = story_script(episodes=2, lang="en")
    with openai_stub(script["replies"]) as (url, state):
        env = {
            "OPENAI_BASE_URL": url,
            "OPENAI_API_KEY": "sk-stub-secret-key-0123456789",
            "REELWRIGHT_PROGRESS": "1",
        }
        result = run_cli(
            "make",
            PREMISE,
            "--episodes",
            "2",
            "--episode-seconds",
            str(SECONDS),
            "--llm",
            "openai:stub-model",
            "--runs-dir",
            str(runs),
            env=env,
        )
        calls = len(state.requests)
        auth = list(state.auth_headers)
    assert result.returncode == 0, result.stderr[-3000:]
    run = Path(result.stdout.strip().splitlines()[-1])
    return {
        "run": run,
        "runs": runs,
        "calls": calls,
        "stderr": result.stderr,
        "auth": auth,
        "stdout": result.stdout,
    }


@pytest.fixture()
def run_copy(stub_run: dict[str, object], tmp_path: Path) -> Path:
    """A private copy of the shared run, for tests that change it."""
    source = Path(str(stub_run["run"]))
    runs = tmp_path / "runs"
    runs.mkdir()
    target = runs / source.name
    shutil.copytree(source, target)
    return target
