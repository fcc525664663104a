"""The writers' room on real premises with the embedded model (or --llm).

    .venv/bin/python bench/bench_writers_room.py [--premises 5] [--episodes 1]

Premises: the first N distinct `prompt` values of ../shared/data/hanna.
For each: bible, outlines, scenes and the critique loop (the run stops at the
"scripts" review gate, before shots and media). Prints issues found in round 1,
issues remaining after the loop, and seconds per scene.
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from pathlib import Path

from reelwright import backends, pipeline
from reelwright.recipe import DRAMA
from reelwright.settings import RunSettings

DATA = next(
    (
        d
        for d in (
            Path(__file__).resolve().parents[2] / "shared" / "data" / "hanna",
            Path("/work/shared/data/hanna"),
        )
        if d.is_dir()
    ),
    Path(__file__).resolve().parents[2] / "shared" / "data" / "hanna",
)


def premises(n: int) -> list[str]:
    seen: list[str] = []
    with (DATA / "hanna_stories_avg_scores.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            text = " ".join(row["prompt"].replace("[ WP ]", "").split())
            if text and text not in seen and len(text) <= 300:
                seen.append(text)
            if len(seen) == n:
                break
    return seen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--premises", type=int, default=5)
    parser.add_argument("--skip", type=int, default=0, help="start after this many premises")
    parser.add_argument("--episodes", type=int, default=1)
    parser.add_argument("--llm", default="local")
    args = parser.parse_args()
    backend = backends.make_backend(args.llm, 0)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for premise in premises(args.skip + args.premises)[args.skip :]:
            settings = RunSettings(
                premise=premise,
                episodes=args.episodes,
                episode_seconds=90,
                llm=args.llm,
                review=True,
            )
            run = pipeline.start(settings, Path(tmp), DRAMA)
            started = time.monotonic()
            gate = None
            for _ in range(3):
                outcome = pipeline.execute(run, settings, DRAMA, backend=backend)
                gate = outcome.gate
                if gate in (None, "scripts") or outcome.failed:
                    break
            seconds = time.monotonic() - started
            plan = run.load_plan()
            report = (
                json.loads((run.path / "continuity.json").read_text())
                if (run.path / "continuity.json").exists()
                else {"rounds": []}
            )
            rounds = report["rounds"]
            scenes = len(plan.ids("scene"))
            rows.append(
                {
                    "premise": premise[:60],
                    "gate": gate,
                    "scenes": scenes,
                    "round1": rounds[0]["found"] if rounds else None,
                    "remaining": rounds[-1]["remaining"] if rounds else None,
                    "dropped": report.get("dropped_ungrounded"),
                    "s_per_scene": round(seconds / max(1, scenes), 1),
                    "failed": {
                        n: str(plan.node(n)["error"])[:200]
                        for n in plan.ids()
                        if plan.node(n)["status"] == "failed"
                    },
                }
            )
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    done = [r for r in rows if r["round1"] is not None]
    if done:
        print(
            f"mean issues in round 1: {sum(r['round1'] for r in done) / len(done):.1f}; "
            f"remaining after the loop: {sum(r['remaining'] for r in done) / len(done):.1f}; "
            f"seconds per scene (writing + critique): "
            f"{sum(r['s_per_scene'] for r in done) / len(done):.0f}"
        )


if __name__ == "__main__":
    main()
