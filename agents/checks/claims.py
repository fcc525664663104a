"""A model critic's claim, checked in code against the plan before it costs a rewrite.

The closed question asks the model which plan fact a scene's words break and to quote
them. A 1.5B model answers "yes" to most scenes with a real quote and a made-up fact
(Mom "not here" in a scene she is planned in; "another time of day" for a line with
no time in it). Each kind of claim names something code can look for in the quote:
a name, a place, a time word, a feeling. A claim whose quote does not show it is
dropped, like a quote that is not in the scene.
"""

from __future__ import annotations

import re
from typing import Literal

from ..schemas import Bible, SceneBeat
from ..story_plan import StoryState
from .sentiment import contradicts, expected_polarity
from .setting import TIME_WORDS_EN, TIME_WORDS_ZH, in_range, place_match, time_words
from .text import CJK_RE, Names, named

Claim = Literal[
    "", "someone not here", "someone dead", "another place", "another time",
    "a feeling the other way",
]  # fmt: skip

_CUE = re.compile(r"^\s*([^:：\n]{1,24})[:：]\s*(.*)$", re.S)


def split_cue(quote: str) -> tuple[str, str]:
    """("Max", "I'm scared") from "Max: I'm scared"; ("", text) without a speaker."""
    m = _CUE.match(quote)
    return (m.group(1).strip(), m.group(2).strip()) if m else ("", quote.strip())


def claim_holds(claim: str, quote: str, beat: SceneBeat, state: StoryState, bible: Bible) -> bool:
    """Whether the quoted words show what the claim says breaks the plan."""
    names = Names(bible)
    speaker, words = split_cue(quote)
    who = named(words, names) | ({names.resolve(speaker)} - {None} if speaker else set())
    if claim == "someone not here":
        return any(n not in beat.characters for n in who if n)
    if claim == "someone dead":
        return any(n in state.dead for n in who if n)
    if claim == "another place":
        here = set(beat.location.lower().split())
        return any(
            place_match(words, loc.name) is not None
            for loc in bible.locations
            if loc.name != beat.location and not set(loc.name.lower().split()) <= here
        )
    if claim == "another time":
        table = TIME_WORDS_ZH if CJK_RE.search(words) else TIME_WORDS_EN
        spans = [table[w.lower()] for w, _, _ in time_words(words) if w.lower() in table]
        return bool(spans) and not any(in_range(beat.hour, span) for span in spans)
    if claim == "a feeling the other way":
        person = names.resolve(speaker) if speaker else None
        feeling = next((f for f in beat.feelings if f.name == person), None)
        if feeling is None:
            return False
        # the label's own polarity, else the plan's valence where it is clear
        polarity = expected_polarity(feeling.end) or (
            (1 if feeling.end_valence > 0 else -1) if abs(feeling.end_valence) >= 0.3 else 0
        )
        return contradicts(words, feeling.end, polarity) is not None
    return False
