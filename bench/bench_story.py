"""The writers' room on a premise set, with the embedded model (or --llm): does the loop repair?

    flock /tmp/embedded.lock .venv/bin/python bench/bench_story.py [--only fisherman,zh-1]

Premises: the 5 HANNA premises (first distinct prompts of ../shared/data/hanna), the
fisherman premise of the README, and 2 Chinese premises. Each runs bible, plan,
scenes and the critique loop (stopping at the "scripts" review gate, before shots).
Prints per premise and in total: issues in round 1, issues left after the loop, the
code issues a reader should judge (evidence quoted), lines and speakers per scene,
scenes with two or more present but one speaker, and seconds per scene. With --show
it prints every scene as a script, to read the words as an audience would.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench_writers_room import premises as hanna_premises

from reelwright import pipeline
from reelwright.backends import make_backend
from reelwright.recipe import DRAMA
from reelwright.settings import RunSettings

FISHERMAN = "A young fisherman battles the raging sea to save his mother"
CHINESE = [
    "被赶出豪门的真千金回到小渔村，却发现养母病重，而假千金正带人上门逼债",
    "外卖小哥在暴雨夜救下一位老人，第二天全公司都在找他，原来老人是集团董事长",
]


def premise_set() -> dict[str, str]:
    out = {f"hanna-{i}": p for i, p in enumerate(hanna_premises(5), 1)}
    out["fisherman"] = FISHERMAN
    out.update({f"zh-{i}": p for i, p in enumerate(CHINESE, 1)})
    return out


def run_one(name: str, premise: str, args: argparse.Namespace, backend: Any, tmp: Path) -> dict:
    lang = "zh" if name.startswith("zh") else "en"
    settings = RunSettings(
        premise=premise,
        episodes=1,
        episode_seconds=args.seconds,
        llm=args.llm,
        lang=lang,
        review=True,
        critique_rounds=args.rounds,
    )
    run = pipeline.start(settings, tmp, DRAMA)
    started = time.monotonic()
    outcome = None
    for _ in range(3):
        outcome = pipeline.execute(run, settings, DRAMA, backend=backend)
        if outcome.gate in (None, "scripts") or outcome.failed:
            break
    seconds = time.monotonic() - started
    plan = run.load_plan()
    report = plan.payload("critique:series") if "critique:series" in plan else None
    scenes = [plan.payload(s) for s in plan.ids("scene") if plan.payload(s)]
    rows = []
    for sid in plan.ids("scene"):
        scene = plan.payload(sid)
        if not scene:
            continue
        speakers = {ln["speaker"] for ln in scene["lines"]}
        rows.append((sid, len(scene["lines"]), len(speakers), len(scene["ledger"]["present"])))
    rounds = (report or {}).get("rounds", [])
    events = [json.loads(x) for x in run.events_path.read_text(encoding="utf-8").splitlines()]
    llm_s = sum(e.get("latency_s", 0) or 0 for e in events if e["type"] == "llm_call")
    result = {
        "premise": name,
        "gate": outcome.gate if outcome else None,
        "failed": {
            n: str(plan.node(n)["error"])[:160] for n in (outcome.failed if outcome else [])
        },
        "scenes": len(scenes),
        "round1": rounds[0]["found"] if rounds else None,
        "round1_kinds": rounds[0]["by_kind"] if rounds else {},
        "left": rounds[-1]["remaining"] if rounds else None,
        "left_kinds": rounds[-1]["by_kind"] if rounds else {},
        "rounds": len(rounds),
        "lines_per_scene": [r[1] for r in rows],
        "speakers_per_scene": [r[2] for r in rows],
        "one_voice_scenes": sum(1 for r in rows if r[3] >= 2 and r[2] < 2),
        "s_per_scene": round(seconds / max(1, len(scenes)), 1),
        "llm_s": round(llm_s, 1),
        "skipped": (report or {}).get("skipped_critics", {}),
    }
    if args.show or args.issues:
        for r in rounds:
            for i in r["issues"]:
                where = f"r{r['round']} {i['node']} {i['kind']} [{i['source']}]"
                print(f"   {where} {i['evidence'][:110]}")
    if args.show:
        bible = plan.payload("series")
        print(
            "   CAST:",
            [(c["name"], c["age"], c["role"]) for c in bible["characters"]],
            "REL:",
            bible.get("relations"),
        )
        outline = plan.payload("episode:1") if "episode:1" in plan else None
        if outline is None:
            print(
                "   NO OUTLINE:", {n: str(plan.node(n)["error"])[:300] for n in plan.ids("episode")}
            )
            return result
        print("   PATTERN:", outline.get("pattern"), "| HOOK:", outline["hook"])
        for sid, scene in zip(plan.ids("scene"), scenes, strict=False):
            print(
                f"   --- {sid} day {scene['ledger']['day']} {scene['ledger']['hour']}:00 "
                f"{scene['location']} present={scene['ledger']['present']} "
                f"rev={scene.get('revision')}"
            )
            print("   ", scene["action"])
            for ln in scene["lines"]:
                print(f"     {ln['speaker']}: {ln['text']} [{ln['emotion']}]")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", default="local")
    parser.add_argument(
        "--only", default="", help="comma-separated names (hanna-1, fisherman, zh-1)"
    )
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--show", action="store_true", help="print every scene and issue")
    parser.add_argument("--issues", action="store_true", help="print every issue")
    args = parser.parse_args()
    chosen = premise_set()
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only.split(",")}
    backend = make_backend(args.llm, 0)
    print(f"backend {args.llm}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, premise in chosen.items():
            print(f"== {name}: {premise[:80]}", flush=True)
            result = run_one(name, premise, args, backend, Path(tmp))
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    done = [r for r in results if r["round1"] is not None]
    if not done:
        return
    first, left = sum(r["round1"] for r in done), sum(r["left"] for r in done)
    lines = [n for r in done for n in r["lines_per_scene"]]
    speakers = [n for r in done for n in r["speakers_per_scene"]]
    kinds_first: Counter[str] = Counter()
    kinds_left: Counter[str] = Counter()
    for r in done:
        kinds_first.update(r["round1_kinds"])
        kinds_left.update(r["left_kinds"])
    print(
        f"TOTAL {len(done)} premises: round-1 issues {first}, left {left} "
        f"({left / first:.0%} of round 1)"
        if first
        else f"TOTAL {len(done)}: no issues in round 1"
    )
    print(f"  round 1 by kind: {dict(kinds_first)}; left by kind: {dict(kinds_left)}")
    print(
        f"  lines per scene {sum(lines) / len(lines):.1f}, speakers per scene "
        f"{sum(speakers) / len(speakers):.1f}, one-voice scenes with 2+ present: "
        f"{sum(r['one_voice_scenes'] for r in done)}; seconds per scene "
        f"{sum(r['s_per_scene'] for r in done) / len(done):.0f}; load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
