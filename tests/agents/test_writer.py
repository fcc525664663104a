"""What the writer repairs in code and what it sends back to the model."""

from __future__ import annotations

from fake_story import bible, scene

from reelwright.agents.schemas import Bible, Scene
from reelwright.agents.writer import canonical_names, clamp_scene, scene_count, scene_problems


def test_messy_names_become_bible_names() -> None:
    b = Bible.model_validate(bible("en"))
    sc = Scene.model_validate(scene("en", 1, 1))
    sc.lines[0].speaker = "Lin Hai (19)"
    sc.ledger.present = ["Lin Hai: protagonist, 19; wants to save his mother", "Mei"]
    sc.ledger.characters[1].name = "Mei:"
    fixed = canonical_names(sc, b)
    assert fixed.lines[0].speaker == "Lin Hai"
    assert fixed.ledger.present == ["Lin Hai", "Mei"]
    assert fixed.ledger.characters[1].name == "Mei"


def test_problems_a_repair_can_fix() -> None:
    b = Bible.model_validate(bible("en"))
    sc = Scene.model_validate(scene("en", 1, 1))
    assert scene_problems(sc, b, ["Lin Hai", "Mei"], "en", min_lines=2) == []
    sc.lines[1].speaker = "Stranger"
    sc.lines[2].emotion = "-1"
    problems = " ".join(scene_problems(sc, b, ["Lin Hai", "Mei"], "zh", min_lines=9))
    assert "Stranger" in problems and "emotion" in problems
    assert "at least 9" in problems and "Chinese" in problems


def test_numbers_outside_their_range_are_clamped() -> None:
    sc = Scene.model_validate(scene("en", 1, 1))
    sc.ledger.characters[0].feels.valence = 12
    sc.ledger.hour = 30
    clamped = clamp_scene(sc)
    assert clamped.ledger.characters[0].feels.valence == 1.0 and clamped.ledger.hour == 23


def test_scene_count_follows_episode_length() -> None:
    assert [scene_count(s) for s in (30, 90, 180, 300)] == [3, 3, 6, 6]


def test_an_invented_place_becomes_the_nearest_bible_location() -> None:
    from reelwright.agents.writer import nearest_location

    assert nearest_location("The Sea", ["Sea", "Cave"]) == "Sea"
    assert nearest_location("Dark cave entrance", ["Sea", "Cave"]) == "Cave"
    assert nearest_location("Hospital", ["Sea", "Cave"]) == "Sea"
    assert nearest_location("码头边", ["渔村小屋", "码头"]) == "码头"
