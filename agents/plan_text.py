"""The plan written out for prompts: the facts a scene's words must honour, in a few lines."""

from __future__ import annotations

from .schemas import Bible, SceneBeat
from .story_plan import StoryState

_PART_OF_DAY = [
    (0, 4, "night", "深夜"), (5, 7, "dawn", "清晨"), (8, 11, "morning", "上午"),
    (12, 13, "noon", "中午"), (14, 16, "afternoon", "下午"), (17, 19, "dusk", "傍晚"),
    (20, 23, "night", "夜里"),
]  # fmt: skip


def clock(hour: int, lang: str = "en") -> str:
    """'19:00 (dusk)' or '19:00（傍晚）'."""
    for lo, hi, en, zh in _PART_OF_DAY:
        if lo <= hour <= hi:
            return f"{hour:02d}:00（{zh}）" if lang == "zh" else f"{hour:02d}:00 ({en})"
    return f"{hour:02d}:00"


def feelings_text(beat: SceneBeat) -> str:
    return "; ".join(f"{f.name}: {f.start} -> {f.end}" for f in beat.feelings) or "(not planned)"


def characters_here(bible: Bible, beat: SceneBeat, revealed: set[str]) -> str:
    """One line per present character; a secret is shown only once the plan has revealed it.

    Small models repeat what they are shown, so a secret not yet out is left out.
    """
    rows = []
    for c in bible.characters:
        if c.name not in beat.characters:
            continue
        known = c.name in revealed or c.name in beat.reveals
        secret = f"; secret (out now): {c.secret}" if known else ""
        rows.append(f"- {c.name}: {c.role}, {c.age}; wants {c.want}; speaks: {c.voice}{secret}")
    return "\n".join(rows)


def facts(beat: SceneBeat, before: StoryState, lang: str = "en") -> list[str]:
    """The plan's facts for one scene, one short sentence each."""
    out = [
        f"Here: {', '.join(beat.characters)} (nobody else speaks or acts).",
        f"Place: {beat.location}, {'inside' if beat.interior else 'outside'}. "
        f"Time: day {beat.day}, {clock(beat.hour, lang)}.",
        f"Feelings: {feelings_text(beat)}.",
    ]
    if before.dead:
        out.append(f"Dead (never here, never speak): {', '.join(sorted(before.dead))}.")
    if beat.reveal:
        out.append(f"Learned here: {beat.reveal}.")
    if beat.gives:
        out.append("Props: " + "; ".join(f"{g.item} ends with {g.to}" for g in beat.gives) + ".")
    if beat.hurt:
        out.append(f"Hurt here: {', '.join(beat.hurt)}.")
    if beat.dies:
        out.append(f"Dies here: {', '.join(beat.dies)}.")
    return out
