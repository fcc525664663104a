"""One `reelwright make` through the fault stub, summed up from its event log.

Shared by the end-to-end fault tests and bench/bench_faults.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cli_helpers import PREMISE, run_cli
from fake_story import story_script

from reelwright.events import read_events
from support.fault_stub import Faults, FaultState, Served, fault_stub


@dataclass
class FaultRun:
    returncode: int
    stderr: str
    run: Path | None
    served: list[Served]
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def calls(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == "llm_call"]

    @property
    def failed(self) -> list[str]:
        return [str(e["node"]) for e in self.events if e["type"] == "node_failed"]

    @property
    def finished(self) -> bool:
        done = [e for e in self.events if e["type"] == "run_done"]
        return self.returncode == 0 and bool(done) and done[-1]["status"] == "done"

    def count(self, fault: str) -> int:
        return sum(1 for e in self.calls if e.get("fault") == fault)

    @property
    def repairs(self) -> int:
        """Requests that showed the model its bad reply."""
        return sum(1 for e in self.calls if e.get("fault") is None and e.get("attempt", 1) > 1)

    def outcomes(self) -> Counter[str]:
        return Counter(s.outcome for s in self.served)


def make_through_stub(
    runs: Path,
    faults: Faults,
    *,
    episodes: int = 1,
    seconds: int = 30,
    timeout_s: float = 3.0,
    resume: str | None = None,
    cli_timeout_s: int = 900,
) -> FaultRun:
    """`reelwright make` (or `resume RUN`) with `--llm openai:stub-model` at the stub."""
    script = story_script(episodes=episodes, lang="en")
    with fault_stub(script["replies"], faults) as (url, state):
        env = {
            "OPENAI_BASE_URL": url,
            "OPENAI_API_KEY": "sk-stub-secret-key-0123456789",
            "REELWRIGHT_LLM_TIMEOUT": str(timeout_s),
            "REELWRIGHT_BACKOFF": "0.01",
        }
        common = ["--llm", "openai:stub-model", "--runs-dir", str(runs)]
        # faults, not pacing: a scene the cut sends back would be asked for again
        pacing = ["--pacing-rounds", "0"]
        if resume:
            result = run_cli("resume", resume, *common, env=env, timeout=cli_timeout_s)
        else:
            size = ["--episodes", str(episodes), "--episode-seconds", str(seconds)]
            result = run_cli(
                "make", PREMISE, *size, *pacing, *common, env=env, timeout=cli_timeout_s
            )
        served = _served(state)
    lines = result.stdout.strip().splitlines()
    run = Path(lines[-1]) if lines and Path(lines[-1]).is_dir() else None
    events = list(read_events(run / "events.jsonl")) if run else []
    return FaultRun(result.returncode, result.stderr, run, served, events)


def _served(state: FaultState) -> list[Served]:
    with state.lock:
        return list(state.served)
