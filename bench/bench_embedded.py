"""The embedded model: tokens per second, and seconds for the bible step.

.venv/bin/python bench/bench_embedded.py [--premise "..."] [--lang en|zh]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # test support

from support.services import offline_services  # noqa: E402

from reelwright.agents.schemas import Bible  # noqa: E402
from reelwright.agents.writer import write_bible
from reelwright.events import EventLog, read_events
from reelwright.plan import Plan
from reelwright.scheduler import NodeContext
from reelwright.settings import RunSettings
from reelwright.store import new_run
from reelwright.tools.llm import LLM, GenerationSettings
from reelwright.tools.llm.local import LocalLlamaBackend


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--premise", default="A young fisherman battles the raging sea to save his mother"
    )
    parser.add_argument("--lang", default="en")
    args = parser.parse_args()
    backend = LocalLlamaBackend()
    started = time.monotonic()
    backend._load()
    load_s = time.monotonic() - started
    with tempfile.TemporaryDirectory() as tmp:
        settings = RunSettings(premise=args.premise, lang=args.lang, episodes=2)
        run = new_run(Path(tmp), settings)
        events = EventLog(run.events_path, run.id)
        llm = LLM(backend, settings=GenerationSettings(seed=0))
        services = offline_services(settings, run, llm)
        plan = Plan()
        plan.add("series", "series", "writer")
        import threading

        ctx = NodeContext("series", plan, threading.RLock(), events, "writer", services)
        t0 = time.monotonic()
        bible = write_bible(ctx)
        bible_s = time.monotonic() - t0
        calls = [e for e in read_events(run.events_path) if e["type"] == "llm_call"]
    tokens = sum(int(c["tokens_out"]) for c in calls)
    gen_s = sum(float(c["latency_s"]) for c in calls)
    print(
        json.dumps(
            {
                "model": backend.name,
                "threads": backend.threads,
                "load_s": round(load_s, 2),
                "bible_s": round(bible_s, 1),
                "attempts": len(calls),
                "tokens_out": tokens,
                "tokens_per_s": round(tokens / gen_s, 2) if gen_s else None,
                "characters": [c.name for c in Bible.model_validate(bible).characters],
                "title": bible.title,
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
