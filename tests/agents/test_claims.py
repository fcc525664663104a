"""The closed critic's claims are kept only where the quoted words show them.

The false alarms are the embedded model's own, from a fisherman run: a present
speaker called "not here", a line with no time in it called "another time of day".
"""

from __future__ import annotations

import pytest
from fake_story import bible, outline_plan

from reelwright.agents.checks.claims import claim_holds
from reelwright.agents.schemas import Bible, Outline
from reelwright.agents.story_plan import StoryState

BIBLE = Bible.model_validate(bible("en"))
BEAT = Outline.model_validate(outline_plan("en", 1, 3)).scenes[0]  # Lin Hai and Mei, at 08:00
OTHER_PLACE = next(loc.name for loc in BIBLE.locations if loc.name != BEAT.location)


@pytest.mark.parametrize(
    ("claim", "quote", "holds"),
    [
        ("someone not here", "Lin Hai: I'm controlling the water!", False),
        ("someone not here", "Mei: Where is Chen? Chen, answer me!", False),  # not in the bible
        ("another time", "Lin Hai: I'm scared, but we're safe now", False),
        ("another time", "Lin Hai: It is midnight and the boats are gone.", True),
        ("another time", "Mei: We leave at dawn tomorrow.", False),  # not now
        ("another place", f"Mei: At the {OTHER_PLACE}, the nets are torn.", True),
        ("another place", f"Mei: Let us go to the {OTHER_PLACE} later.", False),
        ("someone dead", "Mei: Lin Hai, come here.", False),
        ("a feeling the other way", "Lin Hai: What a wonderful, happy, lovely day!", True),
        ("a feeling the other way", "Lin Hai: I am so scared of the storm.", False),
        ("", "Mei: anything", False),
    ],
)
def test_a_claim_holds_only_where_the_words_show_it(claim: str, quote: str, holds: bool) -> None:
    assert BEAT.hour not in (23, 0, 1)
    assert set(BEAT.characters) == {"Lin Hai", "Mei"}
    assert claim_holds(claim, quote, BEAT, StoryState(), BIBLE) is holds


def test_a_dead_character_speaking_is_shown_by_the_cue() -> None:
    dead = StoryState(dead={"Mei"})
    assert claim_holds("someone dead", "Mei: Do not go.", BEAT, dead, BIBLE)
    assert not claim_holds("someone dead", "Lin Hai: Do not go.", BEAT, dead, BIBLE)
