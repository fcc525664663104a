"""Render the same episodes with the local executor and with Ray; compare wall and bytes.

    .venv/bin/python bench/bench_render.py [--episodes 4] [--seconds 90] [--cpus 2] [--lang zh]

The series is planned once through the local OpenAI-compatible stub (--plan-only).
Then the media (character sheets, frames, clips, voiced lines, cuts) is rendered with
the local executor, set aside, forgotten, and rendered again with Ray started on
this machine (ray.init(num_cpus=CPUS)). Prints wall seconds for each and whether
every file came out byte-identical (Chinese is voiced by espeak-ng, English by Piper
seeded per line: both reproduce).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fake_story import story_script  # noqa: E402
from media_compare import decoded_md5, forget_media, media_files  # noqa: E402
from openai_stub import openai_stub  # noqa: E402

from reelwright import pipeline  # noqa: E402
from reelwright.recipe import DRAMA
from reelwright.settings import RunSettings  # noqa: E402

PREMISE = {
    "en": "A young fisherman battles the raging sea to save his mother",
    "zh": "年轻渔夫为救母亲与怒海搏斗",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--episodes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--cpus", type=int, default=2)
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    args = parser.parse_args()
    import ray

    script = story_script(episodes=args.episodes, lang=args.lang)
    with tempfile.TemporaryDirectory() as tmp, openai_stub(script["replies"]) as (url, _):
        os.environ.update(OPENAI_BASE_URL=url, OPENAI_API_KEY="sk-bench")
        settings = RunSettings(
            premise=PREMISE[args.lang],
            lang=args.lang,
            episodes=args.episodes,
            episode_seconds=args.seconds,
            llm="openai:stub-model",
        )
        run = pipeline.start(settings, Path(tmp) / "runs", DRAMA)
        pipeline.execute(run, settings, DRAMA, plan_only=True)

        t0 = time.perf_counter()
        outcome = pipeline.execute(run, settings, DRAMA)
        local_s = time.perf_counter() - t0
        assert outcome.ok, outcome.failed
        local = media_files(run.path)
        cuts = sorted(run.path.glob("episode_*.mp4"))
        local_cuts = {p.name: decoded_md5(p) for p in cuts}

        nodes = forget_media(run)
        ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
        try:
            t0 = time.perf_counter()
            outcome = pipeline.execute(run, settings.model_copy(update={"executor": "ray"}), DRAMA)
            ray_s = time.perf_counter() - t0
        finally:
            ray.shutdown()
        assert outcome.ok, outcome.failed
        remote = media_files(run.path)
        same_cuts = all(decoded_md5(p) == local_cuts[p.name] for p in cuts)

    differ = sorted(k for k in local.keys() | remote.keys() if local.get(k) != remote.get(k))
    print(f"{args.episodes} episodes of {args.seconds:.0f} s, {len(nodes)} media nodes, "
          f"{len(local)} files")  # fmt: skip
    print(f"  local executor         {local_s:.1f} s")
    print(f"  ray, num_cpus={args.cpus}        {ray_s:.1f} s (Ray's start-up included)")
    same = "yes, every file" if not differ else "no: " + ", ".join(differ[:8])
    print(f"  byte-identical         {same}")
    print(f"  episodes, decoded      {'identical' if same_cuts else 'DIFFERENT'} frame by frame")


if __name__ == "__main__":
    main()
