"""Planted-defect benchmark for the code checks: recall per kind, false alarms, time.

Builds clean series from the two fixtures, varied deterministically (characters
renamed, days shifted, the English ones padded with sentences from the human-written
HANNA stories as extra dialogue and action), plants one defect of every kind in a copy
of each, and reports:

- recall per kind: the planted kind reported at the planted node (and anywhere), apart
  for plants in the words only (lines, labels, action; ledger and outline untouched) and
  plants in the data (ledger or outline); kinds that have both alternate by seed;
- false positives: issues raised on the clean sets / clean sets;
- time per `run_checks` call and per check.

Run from the repo root:  .venv/bin/python bench/bench_checks.py
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # test support

from support.fixtures_story import clean_story_en, clean_story_zh
from support.planting import plant_defect, surface_for

from reelwright.agents.checks import CODE_KINDS, checks, run_checks
from reelwright.agents.checks.text import Names, artifact_text, scenes_in_order
from reelwright.agents.schemas import DialogueLine, StoryView

HANNA = next(
    (
        f
        for f in (
            Path(__file__).resolve().parents[2]
            / "shared"
            / "data"
            / "hanna"
            / "hanna_llm_stories.csv",
            Path("/work/shared/data/hanna/hanna_llm_stories.csv"),
        )
        if f.is_file()
    ),
    Path("hanna_llm_stories.csv"),
)
EN_FIRST = ["Finn", "Mira", "Dax", "Cleo", "Ivo", "Juno", "Wren", "Tova", "Pax", "Sela", "Rafe"]
EN_LAST = ["Castell", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Abara", "Kowal"]
ZH_SURNAMES = ["陈", "周", "吴", "郑", "孙", "何", "罗", "高"]
ZH_GIVEN = ["志远", "晓梅", "大山", "春燕", "国栋", "玉珍", "建华", "丽娟", "明杰"]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def hanna_sentences(path: Path, limit: int) -> list[list[str]]:
    """Sentences of up to `limit` distinct human-written stories, usable as script lines."""
    if not path.is_file():
        return []
    stories: list[list[str]] = []
    seen: set[str] = set()
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = row.get("Human", "").strip()
            if not text or text in seen:
                continue
            seen.add(text)
            good = list(  # distinct: a story that repeats itself (a time loop) is not clean
                dict.fromkeys(
                    s.strip()
                    for s in _SENTENCE_END.split(" ".join(text.split()))
                    if 20 <= len(s.strip()) <= 160 and len(s.split()) >= 4 and s.isascii()
                )
            )
            if len(good) >= 12:
                stories.append(good)
            if len(stories) >= limit:
                break
    return stories


def rename(story: StoryView, k: int) -> StoryView:
    """The same series with every character renamed (full and short forms), consistently."""
    names = Names(story.bible)
    mapping: dict[str, str] = {}
    for i, full in enumerate(names.full):
        if story.lang == "zh":
            new = ZH_SURNAMES[(k + i) % len(ZH_SURNAMES)] + ZH_GIVEN[(k * 3 + i) % len(ZH_GIVEN)]
            if len(full) >= 3:
                new = new[0] + ZH_GIVEN[(k * 5 + i + 1) % len(ZH_GIVEN)]
                mapping[full[1:]] = new[1:]
            else:
                new = new[:2]
        else:
            first = EN_FIRST[(k + i * 3) % len(EN_FIRST)]
            new = f"{first} {EN_LAST[(k + i) % len(EN_LAST)]}"
            mapping[full.split()[0]] = first
        mapping[full] = new
    keys = sorted(mapping, key=len, reverse=True)
    edge = "" if story.lang == "zh" else r"(?<![\w])"
    tail = "" if story.lang == "zh" else r"(?![\w])"
    pattern = re.compile(edge + "(" + "|".join(map(re.escape, keys)) + ")" + tail)
    text = pattern.sub(lambda m: mapping[m.group(1)], story.model_dump_json())
    return StoryView.model_validate_json(text)


def shift_days(story: StoryView, days: int) -> StoryView:
    out = story.model_copy(deep=True)
    for _, _, scene in scenes_in_order(out):
        scene.ledger.day += days
    return out


def pad_with_hanna(story: StoryView, sentences: list[str]) -> StoryView:
    """Real human sentences as extra (neutral) lines and action, skipping any naming the cast."""
    out = story.model_copy(deep=True)
    names = Names(out.bible)
    forms = {f.casefold() for n in names.full for f in names.forms(n)}
    usable = [s for s in sentences if not forms & set(re.findall(r"\w+", s.casefold()))]
    pool = iter(usable)
    for _, _, scene in scenes_in_order(out):
        speaker = scene.lines[0].speaker
        for _ in range(2):
            text = next(pool, None)
            if text is not None and len(scene.lines) < 12:
                scene.lines.append(DialogueLine(speaker=speaker, text=text, emotion="neutral"))
        extra = next(pool, None)
        if extra is not None:
            scene.action = f"{scene.action} {extra}"
    return out


def clean_sets(n_en: int, n_zh: int) -> list[tuple[str, StoryView]]:
    stories = hanna_sentences(HANNA, n_en)
    sets: list[tuple[str, StoryView]] = []
    for k in range(n_en):
        story = shift_days(rename(clean_story_en(), k), k % 4)
        if stories:
            story = pad_with_hanna(story, stories[k % len(stories)])
        sets.append((f"en-{k}", story))
    for k in range(n_zh):
        sets.append((f"zh-{k}", shift_days(rename(clean_story_zh(), k), k % 3)))
    return sets


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    mean, median = statistics.mean(values), statistics.median(values)
    return f"mean {mean:6.1f} ms  median {median:6.1f}  p95 {p95:6.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--en", type=int, default=48, help="English clean sets (HANNA-padded)")
    parser.add_argument("--zh", type=int, default=24, help="Chinese clean sets")
    args = parser.parse_args()

    start = time.perf_counter()
    run_checks(clean_story_zh())  # loads SnowNLP's bundled model and VADER once
    warm_s = time.perf_counter() - start
    sets = clean_sets(args.en, args.zh)

    false_alarms: list[tuple[str, str, str, str]] = []
    times: dict[str, list[float]] = defaultdict(list)
    per_check: dict[str, list[float]] = defaultdict(list)
    for label, story in sets:
        t0 = time.perf_counter()
        issues = run_checks(story)
        times[story.lang].append((time.perf_counter() - t0) * 1000)
        false_alarms += [(label, i.node, i.kind, i.evidence) for i in issues]
        names = Names(story.bible)
        for name, check in checks().items():
            t1 = time.perf_counter()
            check(story, names)
            per_check[name].append((time.perf_counter() - t1) * 1000)

    at_node: Counter[tuple[str, str]] = Counter()
    anywhere: Counter[tuple[str, str]] = Counter()
    planted: Counter[tuple[str, str]] = Counter()
    unplantable: Counter[str] = Counter()
    collateral: Counter[tuple[str, str]] = Counter()
    unlocated = 0
    misses: list[str] = []
    for index, (label, story) in enumerate(sets):
        for kind in CODE_KINDS:
            surface = surface_for(kind, index)
            key = (surface, kind)
            try:
                spoiled, node = plant_defect(story, kind, seed=index)
            except ValueError:
                unplantable[kind] += 1
                continue
            planted[key] += 1
            issues = run_checks(spoiled)
            unlocated += sum(1 for i in issues if i.evidence not in artifact_text(spoiled, i.node))
            hit = [i for i in issues if i.kind == kind]
            anywhere[key] += bool(hit)
            at_node[key] += any(i.node == node for i in hit)
            if not any(i.node == node for i in hit):
                misses.append(f"{label} {surface} {kind} seed={index} at {node}")
            collateral[key] += sum(1 for i in issues if i.kind != kind)

    print(f"clean sets: {len(sets)} ({args.en} en, HANNA-padded; {args.zh} zh)")
    for surface in ("words", "data"):
        title = (
            "WORDS ONLY (ledger and outline untouched)"
            if surface == "words"
            else ("DATA (ledger or outline)")
        )
        print(f"\n{title}")
        print(
            f"{'kind':<20} {'planted':>7} {'at node':>8} {'anywhere':>9} {'other issues/set':>17}"
        )
        keys = [(surface, k) for k in CODE_KINDS if planted[(surface, k)]]
        for key in keys:
            n = planted[key]
            print(
                f"{key[1]:<20} {n:>7} {at_node[key] / n:>8.1%} {anywhere[key] / n:>9.1%}"
                f" {collateral[key] / n:>17.2f}"
            )
        total = sum(planted[k] for k in keys) or 1
        print(
            f"{'overall':<20} {total:>7} {sum(at_node[k] for k in keys) / total:>8.1%}"
            f" {sum(anywhere[k] for k in keys) / total:>9.1%}"
        )
    for kind, n in unplantable.items():
        print(f"  no place to plant {kind} in {n} set(s)")
    print(f"evidence not found verbatim in its node's text: {unlocated}")
    print(
        f"false positives: {len(false_alarms)} issues on {len(sets)} clean sets = "
        f"{len(false_alarms) / len(sets):.3f} per set; "
        f"sets with any issue: {len({a[0] for a in false_alarms})}"
    )
    for alarm in false_alarms[:10]:
        print("  FP", *alarm)
    for miss in misses[:10]:
        print("  MISS", miss)
    print(f"one-off load of SnowNLP + VADER: {warm_s:.2f} s")
    for lang, values in sorted(times.items()):
        print(f"run_checks, {lang} series ({len(values)}): {_ms(values)}")
    for name, values in per_check.items():
        print(f"  {name:<20} mean {statistics.mean(values):6.2f} ms")


if __name__ == "__main__":
    main()
