"""The writer's code side: the plan repaired before any scene, the scene joined to its plan."""

from __future__ import annotations

from fake_story import bible, outline

from reelwright.agents import coverage
from reelwright.agents.bible_rules import repair_bible
from reelwright.agents.craft import label_valence, one_word, pick_craft
from reelwright.agents.scene_draft import draft_problems, split_breath, to_scene
from reelwright.agents.schemas import Bible, OutlineDraft, SceneDraft
from reelwright.agents.story_plan import build_outline, ledger_for
from reelwright.agents.writer import nearest_location, scene_count


def _bible(lang: str = "en") -> Bible:
    return Bible.model_validate(bible(lang))


def _plan(draft: dict, lang: str = "en"):  # type: ignore[no-untyped-def]
    b = _bible(lang)
    craft = pick_craft(lang, 1, 1, len(draft["scenes"]))
    locations = [loc.name for loc in b.locations]
    return build_outline(
        OutlineDraft.model_validate(draft), b, craft, [], locations, nearest_location
    )


def test_whoever_the_beat_names_is_in_the_scene() -> None:
    """A beat "Mei bursts in" cast as Lin Hai alone would make every line of Mei's
    an absent actor: the plan puts her there."""
    draft = outline("en", 1, 3)
    draft["scenes"][1]["characters"] = ["Lin Hai"]
    draft["scenes"][1]["beat"] = "Mei bursts in with the storm warning."
    plan, notes = _plan(draft)
    assert plan.scenes[1].characters == ["Lin Hai", "Mei"]
    assert any("the beat names Mei" in n for n in notes)


def test_time_runs_forward_a_smaller_hour_is_the_next_day() -> None:
    draft = outline("en", 1, 3)
    for beat, hour in zip(draft["scenes"], (20, 9, 23), strict=True):
        beat["hour"] = hour
    plan, notes = _plan(draft)
    assert [(b.day, b.hour) for b in plan.scenes] == [(1, 20), (2, 9), (2, 23)]
    assert [b.time_of_day for b in plan.scenes] == ["NIGHT", "DAY", "NIGHT"]
    assert any("next day" in n for n in notes)


def test_the_dead_are_not_cast_again_and_placeholders_are_dropped() -> None:
    draft = outline("en", 1, 3)
    draft["scenes"][0]["dies"] = ["Mei"]
    draft["scenes"][1]["characters"] = ["Lin Hai", "Mei", "unknown"]
    draft["scenes"][1]["gives"] = [{"item": "nothing", "to": "Mei"}]
    plan, notes = _plan(draft)
    assert plan.scenes[0].dies == ["Mei"]
    assert plan.scenes[1].characters == ["Lin Hai"]
    assert plan.scenes[1].gives == []
    assert any("died earlier" in n for n in notes)


def test_feelings_carry_over_and_a_swing_needs_a_cause() -> None:
    draft = outline("en", 1, 3)
    draft["scenes"][0]["feelings"] = [{"name": "Lin Hai", "start": "calm", "end": "furious"}]
    draft["scenes"][1]["feelings"] = [{"name": "Lin Hai", "start": "elated", "end": "happy"}]
    draft["scenes"][2]["turn"] = "none"
    draft["scenes"][2]["feelings"] = [{"name": "Lin Hai", "start": "happy", "end": "devastated"}]
    plan, _ = _plan(draft)
    first, second, third = plan.scenes
    assert first.feelings[0].end == "furious"
    assert second.feelings[0].start == "furious", "a new scene starts where the last ended"
    hai = next(f for f in third.feelings if f.name == "Lin Hai")
    assert hai.end == hai.start, "a big swing with no cause in the turn is softened"


def test_ledger_is_built_from_the_plan() -> None:
    draft = outline("en", 1, 3)
    draft["scenes"][0]["reveal"] = "the net was sold"
    draft["scenes"][1]["gives"] = [{"item": "jade bracelet", "to": "Lin Hai"}]
    draft["scenes"][2]["hurt"] = ["Lin Hai"]
    plan, _ = _plan(draft)
    b = _bible()
    first = ledger_for([plan], 1, 1, b)
    assert first.present == ["Lin Hai", "Mei"]
    secret = "he sold the family net"  # the reveal states Lin Hai's bible secret
    assert plan.scenes[0].reveals == ["Lin Hai"]
    assert first.characters[0].learns == ["the net was sold", secret]
    second = ledger_for([plan], 1, 2, b)
    assert second.characters[0].knows == ["the net was sold", secret]
    assert second.characters[0].learns == []
    assert second.props_used == ["jade bracelet"]
    third = ledger_for([plan], 1, 3, b)
    hai = third.characters[0]
    assert hai.holds == ["jade bracelet"] and hai.status == "hurt"
    assert (third.day, third.hour) == (plan.scenes[2].day, plan.scenes[2].hour)


def test_one_word_emotions_and_valence_from_the_label() -> None:
    assert one_word("Fear (valence -1.0)") == "fear"
    assert one_word("  Angry, then calm") == "angry"
    assert one_word("极度恐惧的") == "极度恐惧"
    assert label_valence("Fear (valence -1.0)") < -0.5
    assert label_valence("幸福") > 0.5
    assert label_valence("hopeful") > 0 > label_valence("worried")


def test_a_scene_draft_becomes_a_scene_with_the_plans_ledger() -> None:
    plan, _ = _plan(outline("en", 1, 3))
    b = _bible()
    draft = SceneDraft.model_validate(
        {
            "action": "Rain on the roof.",
            "lines": [
                {
                    "speaker": "Lin Hai (19)",
                    "text": "I am going out tonight.",
                    "emotion": "Determined (valence 0.5)",
                },
                {
                    "speaker": "Mei",
                    "text": "The sea took your father. It took my brother. "
                    "It will not take you, not while I still breathe.",
                    "emotion": "afraid",
                },
            ],
        }
    )
    scene = to_scene(draft, plan.scenes[0], ledger_for([plan], 1, 1, b), b)
    assert scene.lines[0].speaker == "Lin Hai" and scene.lines[0].emotion == "determined"
    assert len(scene.lines) == 3, "a line too long for one breath is split at a sentence end"
    assert scene.ledger.present == ["Lin Hai", "Mei"]
    assert scene.location == plan.scenes[0].location and scene.cause == plan.scenes[0].turn
    assert split_breath("Short one.") == ["Short one."]


def test_acting_notes_in_the_words_are_never_spoken() -> None:
    """A small model copies the "text [emotion]" form of a revision prompt into its
    words: the note must not reach the voice or the subtitles."""
    plan, _ = _plan(outline("en", 1, 3))
    b = _bible()
    draft = SceneDraft.model_validate(
        {
            "action": "They watch the sea. [grateful]",
            "lines": [
                {"speaker": "Lin Hai", "text": "I'm scared, but we're safe now [fearful] [calm]",
                 "emotion": ""},
                {"speaker": "Mei", "text": "(softly) Come home.", "emotion": "tender"},
                {"speaker": "Mei", "text": "[calm]", "emotion": "calm"},
                {"speaker": "Mei", "text": "Mei (calm): Sit down.", "emotion": "calm"},
                {"speaker": "Mei", "text": "Lin Hai: Eat first.", "emotion": "calm"},
                {"speaker": "Lin Hai", "text": "Lin Hai takes a deep breath.", "emotion": "calm"},
                {"speaker": "Lin Hai", "text": "We go (now) together.", "emotion": "calm"},
            ],
        }
    )  # fmt: skip
    scene = to_scene(draft, plan.scenes[0], ledger_for([plan], 1, 1, b), b)
    assert [ln.text for ln in scene.lines] == [
        "I'm scared, but we're safe now",
        "Come home.",
        "Sit down.",
        "Eat first.",
        "We go (now) together.",
    ]
    assert [ln.emotion for ln in scene.lines] == ["fearful", "tender", "calm", "calm", "calm"]
    # a line that is stage direction about its own speaker joins the action
    assert scene.action == "They watch the sea. Lin Hai takes a deep breath."


def test_problems_a_repair_retry_can_fix() -> None:
    plan, _ = _plan(outline("en", 1, 3))
    b = _bible()
    monologue = SceneDraft.model_validate(
        {"action": "x", "lines": [{"speaker": "Mei", "text": "Stay.", "emotion": "afraid"}] * 2}
    )
    problems = " ".join(draft_problems(monologue, b, plan.scenes[0], "en", min_lines=4))
    assert "not only one" in problems and "at least 4" in problems
    stranger = SceneDraft.model_validate(
        {"action": "x", "lines": [{"speaker": "Chen", "text": "Hi.", "emotion": "calm"}]}
    )
    assert "not here" in " ".join(draft_problems(stranger, b, plan.scenes[0], "en", 1))


def test_ages_fit_the_premise_and_the_relations() -> None:
    """Seen on the embedded model: the 'young fisherman' was 30 and his mother 40."""
    b = _bible()
    b.characters[0].age, b.characters[1].age = 30, 40
    fixed, notes = repair_bible(b, "A young fisherman battles the raging sea to save his mother")
    hai, mei = fixed.characters
    assert 17 <= hai.age <= 26
    assert 16 <= mei.age - hai.age <= 50
    assert notes


def test_a_relation_follows_the_characters_gender() -> None:
    b = _bible()
    b.relations[0].kind = "father"  # Mei is female
    fixed, notes = repair_bible(b, "a storm")
    assert fixed.relations[0].kind == "mother" and notes


def test_pattern_has_one_step_per_scene_in_both_languages() -> None:
    for lang in ("en", "zh"):
        for scenes in (3, 6):
            craft = pick_craft(lang, 2, 3, scenes)
            assert len(craft.steps) == scenes and craft.hook and craft.cliffhanger
    assert pick_craft("en", 1, 2, 3) == pick_craft("en", 1, 2, 3), "the same run picks the same"


def test_lines_follow_episode_length() -> None:
    assert coverage.lines_wanted(30) * 3 in range(27, 40)
    assert coverage.lines_wanted(15) < coverage.lines_wanted(30)
    assert [scene_count(s) for s in (30, 90, 180, 300)] == [3, 3, 6, 6]


def test_an_invented_place_becomes_the_nearest_bible_location() -> None:
    assert nearest_location("The Sea", ["Sea", "Cave"]) == "Sea"
    assert nearest_location("Dark cave entrance", ["Sea", "Cave"]) == "Cave"
    assert nearest_location("Hospital", ["Sea", "Cave"]) == "Sea"
    assert nearest_location("码头边", ["渔村小屋", "码头"]) == "码头"


def test_series_md_names_each_episodes_pattern() -> None:
    from reelwright.agents.exports import series_markdown
    from reelwright.plan import Plan

    plan_outline, _ = _plan(outline("en", 1, 3))
    plan = Plan()
    plan.add("series", "series", "writer", payload=bible("en"), status="done")
    plan.add(
        "episode:1",
        "episode",
        "writer",
        ["series"],
        status="done",
        payload=plan_outline.model_dump(mode="json"),
    )
    text = series_markdown(_bible(), plan)
    assert f"**Pattern:** {plan_outline.pattern}" in text
    assert plan_outline.scenes[0].step in text
    assert "Mei is Lin Hai's mother" in text


def test_a_kin_role_without_a_relation_still_fixes_the_ages() -> None:
    """Seen on the embedded model: relations left empty, 'mother' 35 to a son of 20."""
    b = _bible()
    b.relations = []
    b.characters[0].age, b.characters[1].age = 20, 35
    fixed, _ = repair_bible(b, "A young fisherman battles the raging sea to save his mother")
    assert [(r.a, r.kind, r.b) for r in fixed.relations] == [("Mei", "mother", "Lin Hai")]
    assert fixed.characters[1].age - fixed.characters[0].age >= 16
