"""Short-drama craft as data: hook kinds, episode patterns, cliffhanger kinds, feelings, kinship.

The JSON files next to this module are package data (English and Chinese). Code picks
a pattern for each episode and the outline model fills its steps; the feeling table
turns a one-word label into a valence, so the model never writes numbers it cannot keep.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


@cache
def load(name: str) -> Any:
    """One of the package's craft files, parsed (read once)."""
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class CraftChoice:
    """What code chose for one episode; the outline prompt shows it, series.md names it."""

    pattern: str
    pattern_name: str
    steps: tuple[str, ...]
    hook_kind: str
    hook: str
    cliffhanger_kind: str
    cliffhanger: str


def position_of(episode: int, episodes: int) -> str:
    if episode == 1:
        return "first"
    return "last" if episode == episodes else "middle"


def pick_craft(lang: str, episode: int, episodes: int, scenes: int, seed: int = 0) -> CraftChoice:
    """A pattern that fits the episode's place in the series, with one step per scene.

    Deterministic in (seed, episode), so a resumed run picks the same pattern and
    neighbouring episodes rotate through patterns, hooks and cliffhangers.
    """
    data = load("zh" if lang == "zh" else "en")
    where = position_of(episode, episodes)
    fitting = [p for p in data["patterns"] if where in p["fits"]] or data["patterns"]
    pattern = fitting[(seed + episode - 1) % len(fitting)]
    steps = pattern["long"] if scenes > 3 else pattern["short"]
    steps = fit_steps(list(steps), scenes)
    hooks, cliffs = list(data["hooks"]), list(data["cliffhangers"])
    hook = hooks[(seed + 2 * episode) % len(hooks)]
    cliff = cliffs[(seed + 3 * episode) % len(cliffs)]
    return CraftChoice(
        pattern=pattern["id"],
        pattern_name=pattern["name"],
        steps=tuple(steps),
        hook_kind=hook,
        hook=data["hooks"][hook],
        cliffhanger_kind=cliff,
        cliffhanger=data["cliffhangers"][cliff],
    )


def fit_steps(steps: list[str], scenes: int) -> list[str]:
    """Exactly `scenes` steps: the last step always ends the episode; middles merge or repeat."""
    if scenes <= 0:
        return []
    if len(steps) == scenes:
        return steps
    if scenes == 1:
        return [steps[-1]]
    picked = [steps[round(i * (len(steps) - 1) / (scenes - 1))] for i in range(scenes)]
    return picked


def one_word(label: str) -> str:
    """A one-word emotion label: "Fear (valence -1.0)" -> "fear", "极度恐惧的" -> "极度恐惧"."""
    cjk = _CJK.search(label)
    words = _WORD.findall(label)
    if cjk and (not words or label.find(cjk.group()) < label.find(words[0])):
        return cjk.group().removesuffix("的")[:4]
    return words[0].lower() if words else ""


def label_valence(label: str) -> float:
    """The valence of a one-word feeling, from the table, else VADER (English) or 0."""
    word = one_word(label)
    if not word:
        return 0.0
    table = load("emotions")
    for lang in ("en", "zh"):
        if word in table[lang]:
            return float(table[lang][word])
    if _CJK.match(word):
        for key, value in table["zh"].items():
            if key in word or word in key:
                return float(value)
        return 0.0
    from reelwright.agents.checks.sentiment import word_valence

    return word_valence(word)


def relation_kinds() -> dict[str, dict[str, Any]]:
    return load("relations")["kinds"]  # type: ignore[no-any-return]


def relation_kind(word: str) -> str | None:
    """The canonical kind for a relation word in either language ("Mom" -> mother, 妈 -> mother)."""
    flat = word.strip().lower()
    kinds = relation_kinds()
    if flat in kinds:
        return flat
    for lang_words in load("relations")["words"].values():
        for kind, forms in lang_words.items():
            if flat in forms.split():
                return str(kind)
    return None


def relation_words(lang: str) -> dict[str, str]:
    """Every word for a relation in one language, longest first, to its kind."""
    out: dict[str, str] = {}
    for kind, forms in load("relations")["words"][lang].items():
        for form in forms.split():
            out[form] = kind
    return dict(sorted(out.items(), key=lambda kv: -len(kv[0])))


def age_gap(kind: str) -> tuple[int, int] | None:
    """(min, max) of age(a) - age(b) when a is `kind` of b; None when any gap will do."""
    group = relation_kinds().get(kind, {}).get("group", "")
    gap = load("relations")["age_gap"].get(group)
    return (int(gap[0]), int(gap[1])) if gap else None
