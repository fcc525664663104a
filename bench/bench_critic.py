"""The model critics on planted defects, with the embedded model (or --llm).

    .venv/bin/python bench/bench_critic.py [--sets 1] [--llm local]

For each clean story (the English fixture) and each defect kind, plant one
defect and ask both critics about the episode that holds it. Recall: the
critics raised a grounded issue at the planted scene. False positives: grounded
issues raised on the clean story, per episode. Dropped: quotes not in the script.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # test support

from support.fixtures_story import clean_story_en, story_plan
from support.planting import plant_defect
from support.services import offline_services

from reelwright.agents import critics
from reelwright.agents.checks import CODE_KINDS
from reelwright.agents.schemas import StoryView
from reelwright.backends import make_backend
from reelwright.events import EventLog
from reelwright.scheduler import NodeContext
from reelwright.settings import RunSettings
from reelwright.store import new_run
from reelwright.tools.llm import LLM, GenerationSettings, ResponseCache

SCENE_KINDS = [
    k for k in CODE_KINDS if k not in ("missing_hook", "missing_cliffhanger", "setup_unpaid")
]


def critique(story: StoryView, llm: LLM, tmp: Path) -> tuple[list[str], int, float]:
    settings = RunSettings(premise="bench", critique_rounds=0)
    run = new_run(tmp, settings)
    ctx = NodeContext(
        "critique:series",
        story_plan(story),
        threading.RLock(),
        EventLog(run.events_path, run.id),
        "critics",
        offline_services(settings, run, llm),
    )
    started = time.monotonic()
    issues, dropped = critics.model_critique(ctx, story)
    return [i.node for i in issues], dropped, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", type=int, default=1)
    parser.add_argument("--llm", default="local")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        llm = LLM(
            make_backend(args.llm, 0),
            settings=GenerationSettings(seed=0),
            cache=ResponseCache(Path(tmp) / "cache"),
        )
        clean = clean_story_en()
        found_clean, dropped_total, seconds = [], 0, []
        hits = {kind: 0 for kind in SCENE_KINDS}
        for seed in range(args.sets):
            nodes, dropped, took = critique(clean, llm, Path(tmp))
            found_clean += nodes
            dropped_total += dropped
            seconds.append(took)
            for kind in SCENE_KINDS:
                broken, node = plant_defect(clean, kind, seed=seed)
                nodes, dropped, took = critique(broken, llm, Path(tmp))
                hits[kind] += node in nodes
                dropped_total += dropped
                seconds.append(took)
        episodes = len(clean.episodes) * args.sets
        print(
            f"model critics ({llm.model}), {args.sets} clean set(s), "
            f"{len(SCENE_KINDS)} planted kinds"
        )
        for kind, hit in hits.items():
            print(f"  {kind:<20} recall {hit / args.sets:.0%}")
        print(f"  overall recall {sum(hits.values()) / (len(hits) * args.sets):.0%}")
        print(f"  false positives on clean: {len(found_clean) / episodes:.2f} per episode")
        print(f"  dropped ungrounded quotes: {dropped_total}")
        print(f"  seconds per story critique: {sum(seconds) / len(seconds):.1f}")


if __name__ == "__main__":
    main()
