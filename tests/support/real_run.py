"""Real runs for the report tests: `reelwright make` and `revise` through the OpenAI stub.

Everything the report must show is produced by the real code paths, never written
by hand: markup in the premise, the title and a line of dialogue (the model's
reply carries it); a critic's issue that makes the writer revise a scene; a
person's note (`reelwright revise`); a node that fails because the model keeps
sending a reply that does not validate; a run stopped at a review gate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cli_helpers import PREMISE, run_cli
from fake_story import bible, scene, scene_draft, story_script
from openai_stub import openai_stub

HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
HOSTILE_PREMISE = f"{PREMISE} {HOSTILE}"
NOTE = f"make the mother sterner in the last scene {HOSTILE}"
SECONDS = 20  # the shortest episode `make` takes: fewer clips to render
KEY = "sk-stub-secret-key-0123456789"
CRITIC_FIX = "Give Lin Hai a beat of silence before he answers."
REVISED_LINE = "You will get your medicine. Now let me go."


@dataclass
class ReportRuns:
    """The runs the report tests read (see tests/report/conftest.py)."""

    done: Path  # `make` finished cleanly
    revised: Path  # the same run after a note whose rebuild failed a node
    gated: Path  # `make --review`, stopped after the bible
    made_requests: int  # model calls the stub answered for `make`
    revise_stderr: str


@dataclass
class MadeRun:
    run: Path
    runs: Path
    requests: int  # model calls the stub answered for `make`


def make_script() -> dict[str, list[Any]]:
    """The fake story for one episode, with markup in it and one grounded critic issue."""
    replies = story_script(episodes=1, lang="en")["replies"]
    series = bible("en")
    series["title"] = f"{series['title']} {HOSTILE}"
    first = scene_draft("en", 1, 1)
    first["lines"][0]["text"] = f"{first['lines'][0]['text']} {HOSTILE}"
    revised = json.loads(json.dumps(first))
    revised["action"] = f"{first['action']} She answers after a long silence."
    revised["lines"][2]["text"] = REVISED_LINE
    issue = {
        "scene": "scene:1.1",
        "kind": "motivation",
        "severity": "medium",
        "evidence": HOSTILE,
        "fix": CRITIC_FIX,
    }
    replies["Bible@series"] = [series]
    replies["SceneDraft@scene:1.1"] = [first, revised, revised]  # then any rewrite
    replies["CriticReport"] = [{"issues": [issue]}] + [{"issues": []}] * 7
    return replies


def revise_script() -> dict[str, list[Any]]:
    """The showrunner's edit of scene 1.3, then a critic whose replies never validate."""
    edited = scene("en", 1, 3)
    edited["lines"][1]["text"] = "Then the boats stay tied. That is final."
    broken = {"issues": "none of your business"}
    return {"Scene@scene:1.3": [edited], "CriticReport": [broken, broken]}


def _cli(url: str, *args: str) -> tuple[int, str, str]:
    env = {"OPENAI_BASE_URL": url, "OPENAI_API_KEY": KEY, "REELWRIGHT_BACKOFF": "0.01"}
    result = run_cli(*args, env=env)
    return result.returncode, result.stdout, result.stderr


def make_run(runs: Path) -> MadeRun:
    """`reelwright make` for one short episode; the run folder it printed."""
    with openai_stub(make_script()) as (url, state):
        code, out, err = _cli(
            url,
            "make",
            HOSTILE_PREMISE,
            "--episodes",
            "1",
            "--episode-seconds",
            str(SECONDS),
            "--llm",
            "openai:stub-model",
            "--pacing-rounds",
            "0",  # the report's revision is the critic's: one, mended
            "--runs-dir",
            str(runs),
        )
        requests = len(state.requests)
    if code != 0:
        raise RuntimeError(f"reelwright make failed ({code}): {err[-3000:]}")
    return MadeRun(Path(out.strip().splitlines()[-1]), runs, requests)


def revise_and_fail(made: MadeRun) -> str:
    """`reelwright revise` with a note; the critique it reruns fails. Returns stderr."""
    with openai_stub(revise_script()) as (url, _state):
        code, _out, err = _cli(
            url,
            "revise",
            made.run.name,
            NOTE,
            "--node",
            "scene:1.3",
            "--yes",
            "--llm",
            "openai:stub-model",
            "--runs-dir",
            str(made.runs),
        )
    if code != 1 or "critique:series" not in err:
        raise RuntimeError(f"the revision should fail at the critique ({code}): {err[-3000:]}")
    return err


def make_gated_run(runs: Path) -> Path:
    """`reelwright make --review`: stops at the first gate, after the bible."""
    with openai_stub(story_script(episodes=1, lang="en")["replies"]) as (url, _state):
        code, out, err = _cli(
            url,
            "make",
            PREMISE,
            "--episodes",
            "1",
            "--episode-seconds",
            str(SECONDS),
            "--review",
            "--llm",
            "openai:stub-model",
            "--runs-dir",
            str(runs),
        )
    if code != 0 or "stopped for review" not in err:
        raise RuntimeError(f"reelwright make --review did not stop at a gate: {err[-3000:]}")
    return Path(out.strip().splitlines()[-1])
