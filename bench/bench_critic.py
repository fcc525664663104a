"""The model critics on planted defects, with the embedded model (or --llm).

    flock /tmp/embedded.lock .venv/bin/python bench/bench_critic.py [--sets 1] [--llm local]
        [--critics plan_questions,continuity,emotion]

For each clean story (the English fixture) and each defect kind, plant one defect in
the words only and ask each critic: the closed plan questions (one per scene) and the
open critics (per episode). Recall per critic: it raised a grounded issue at the
planted scene. False positives: grounded issues on the clean story, per episode.
Dropped: quotes not in the script. A critic measured at 0 on a backend goes into
agents/craft/critic_recall.json, and the critique node stops calling it there.
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
from support.planting import WORD_ONLY, plant_defect
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

SCENE_KINDS = [k for k in CODE_KINDS if k in WORD_ONLY]


def critique(story: StoryView, llm: LLM, tmp: Path, critic: str) -> tuple[list[str], int, float]:
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
    if critic == critics.CLOSED:
        issues, dropped = critics.plan_questions(ctx, story)
    else:
        issues, dropped = critics.model_critique(ctx, story, [critic])
    return [i.node for i in issues], dropped, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", type=int, default=1)
    parser.add_argument("--llm", default="local")
    parser.add_argument("--critics", default=",".join([critics.CLOSED, *critics.CRITICS]))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        llm = LLM(
            make_backend(args.llm, 0),
            settings=GenerationSettings(seed=0),
            cache=ResponseCache(Path(tmp) / "cache"),
        )
        clean = clean_story_en()
        episodes = len(clean.episodes) * args.sets
        print(f"model critics ({llm.model}), {args.sets} clean set(s), {len(SCENE_KINDS)} kinds")
        for critic in args.critics.split(","):
            found_clean, dropped_total, seconds = [], 0, []
            hits = {kind: 0 for kind in SCENE_KINDS}
            for seed in range(args.sets):
                nodes, dropped, took = critique(clean, llm, Path(tmp), critic)
                found_clean += nodes
                dropped_total += dropped
                seconds.append(took)
                for kind in SCENE_KINDS:
                    broken, node = plant_defect(clean, kind, seed=2 * seed, surface="words")
                    nodes, dropped, took = critique(broken, llm, Path(tmp), critic)
                    hits[kind] += node in nodes
                    dropped_total += dropped
                    seconds.append(took)
            recall = sum(hits.values()) / (len(hits) * args.sets)
            print(f"{critic}: recall {recall:.0%}  " + "  ".join(
                f"{k} {v / args.sets:.0%}" for k, v in hits.items()))  # fmt: skip
            print(f"  false positives on clean: {len(found_clean) / episodes:.2f} per episode; "
                  f"dropped ungrounded quotes: {dropped_total}; "
                  f"seconds per story: {sum(seconds) / len(seconds):.1f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
