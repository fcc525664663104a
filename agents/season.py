"""A long series planned with its arc in view: the season in parts, and the ledger so far.

A 1.5B model cannot hold 80 episodes in mind, and an episode outline that sees only
the series arc and the last cliffhanger drifts by episode 10. So a long series gets
a `season` node first: code divides the episodes into parts of about ten, and the
model writes one goal and one turn per part (a small, closed task). Each episode
outline then sees its part, and a ledger that code keeps from every earlier outline
(who died and when, which secrets are out, who holds what, the last few episodes),
so episode 60 still knows what happened in episode 3.
"""

from __future__ import annotations

import math

from reelwright import ids
from reelwright.context import AgentContext

from .common import ask, bible_of, characters_brief, language_problems, language_rule
from .schemas import Outline, Season, SeasonDraft, SeasonPart, counted
from .story_plan import StoryState

SEASON_FROM = 10  # a series of this many episodes or more is planned in parts
PART_EPISODES = 10  # about this many episodes a part
MAX_PARTS = 12
RECENT = 3  # earlier episodes named one by one in the ledger


def wants_season(episodes: int) -> bool:
    return episodes >= SEASON_FROM


def part_ranges(episodes: int) -> list[tuple[int, int]]:
    """(first, last) episode of each part: as even as whole episodes allow."""
    count = max(1, min(MAX_PARTS, math.ceil(episodes / PART_EPISODES)))
    bounds = [round(i * episodes / count) for i in range(count + 1)]
    return [(bounds[i] + 1, bounds[i + 1]) for i in range(count)]


def write_season(ctx: AgentContext) -> Season:
    s = ctx.services.settings
    bible = bible_of(ctx)
    ranges = part_ranges(s.episodes)

    def check(draft: SeasonDraft) -> list[str]:
        problems = []
        if len(draft.parts) != len(ranges):
            problems.append(f"write exactly {len(ranges)} parts, not {len(draft.parts)}")
        if any(not p.goal.strip() or not p.turn.strip() for p in draft.parts):
            problems.append("every part needs a goal and a turn")
        texts = [t for p in draft.parts for t in (p.goal, p.turn)]
        return problems + language_problems(texts, s.lang, "the season")

    draft = ask(
        ctx,
        "writer_season",
        counted(SeasonDraft, "parts", len(ranges), len(ranges)),
        check=check,
        fresh_tries=2,
        keep_near_miss=True,
        max_tokens=120 + 70 * len(ranges),
        title=bible.title,
        logline=bible.logline,
        characters=characters_brief(bible),
        arc=bible.arc,
        episodes=s.episodes,
        count=len(ranges),
        ranges="\n".join(f"{i}. episodes {a} to {b}" for i, (a, b) in enumerate(ranges, 1)),
        language_rule=language_rule(s.lang),
    )
    parts = list(draft.parts[: len(ranges)])
    while len(parts) < len(ranges):  # a short reply: the arc carries the missing parts
        parts.append(parts[-1] if parts else SeasonDraft.model_validate(
            {"parts": [{"goal": bible.arc, "turn": bible.arc}]}
        ).parts[0])  # fmt: skip
    return Season(
        parts=[
            SeasonPart(goal=p.goal, turn=p.turn, first=a, last=b)
            for p, (a, b) in zip(parts, ranges, strict=True)
        ]
    )


def season_of(ctx: AgentContext) -> Season | None:
    """The run's season plan, where the series is long enough to have one."""
    if ids.SEASON not in ctx.ids("season"):
        return None
    payload = ctx.payload(ids.SEASON)
    return Season.model_validate(payload) if payload is not None else None


def stretch(season: Season | None, episode: int, episodes: int) -> str:
    """The outline prompt's line about the part this episode belongs to ("" if none)."""
    if season is None:
        return ""
    part = next((p for p in season.parts if p.first <= episode <= p.last), None)
    if part is None:
        return ""
    text = f"This stretch (episodes {part.first} to {part.last} of {episodes}): {part.goal}"
    if episode == part.last:
        return f"{text} This episode ends the stretch with: {part.turn}"
    return f"{text} The stretch ends with: {part.turn}"


def so_far(earlier: list[Outline], state: StoryState, clock: str) -> str:
    """What every later episode must honour, kept by code from the earlier outlines."""
    if not earlier:
        return "(the story starts here)"
    lines = [
        f"Last episode ended: {earlier[-1].cliffhanger}",
        f"It is now day {state.day}, {clock}.",
    ]
    deaths = [
        f"{who} (episode {n})" for n, o in enumerate(earlier, 1) for b in o.scenes for who in b.dies
    ]
    if deaths:
        lines.append(f"Dead: {', '.join(deaths)}.")
    out = [
        f"{who} (episode {n})"
        for n, o in enumerate(earlier, 1)
        for b in o.scenes
        for who in b.reveals
    ]
    if out:
        lines.append(f"Secrets already out: {', '.join(out)}.")
    held = [
        f"{who} holds {', '.join(items)}" for who, items in sorted(state.holds.items()) if items
    ]
    if held:
        lines.append(f"{'; '.join(held)}.")
    if len(earlier) > 1:
        start = max(1, len(earlier) - RECENT + 1)
        recent = [f"{n}. {earlier[n - 1].title}" for n in range(start, len(earlier) + 1)]
        lines.append(f"Recent episodes: {'; '.join(recent)}.")
    return " ".join(lines)
