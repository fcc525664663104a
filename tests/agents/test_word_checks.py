"""The words against the plan, in English and Chinese, and the false alarms seen in real runs."""

from __future__ import annotations

import pytest
from support.fixtures_story import clean_story_en, clean_story_zh

from reelwright.agents.checks import run_checks
from reelwright.agents.schemas import DialogueLine, StoryView

STORIES = {"en": clean_story_en, "zh": clean_story_zh}


def kinds_at(story: StoryView, node: str) -> set[str]:
    return {i.kind for i in run_checks(story) if i.node == node}


def scene_of(story: StoryView, sid: str):  # type: ignore[no-untyped-def]
    return next(e.scenes[sid] for e in story.episodes if sid in e.scenes)


def test_nothing_as_a_prop_is_not_an_unheld_prop() -> None:
    """Seen on the embedded model: props_used ["nothing"] raised prop_not_held."""
    story = clean_story_en()
    scene_of(story, "scene:1.2").ledger.props_used.append("nothing")
    assert run_checks(story) == []


@pytest.mark.parametrize("word", ["unknown", "Unknown", "nobody", "未知"])
def test_unknown_as_a_name_is_not_an_unknown_character(word: str) -> None:
    """Seen on the embedded model: the word "unknown" in a cast list read as a name."""
    story = clean_story_en()
    story.episodes[0].outline.scenes[0].characters.append(word)
    scene_of(story, "scene:1.1").ledger.present.append(word)
    assert [i for i in run_checks(story) if i.kind == "unknown_name"] == []


@pytest.mark.parametrize(
    ("lang", "sid", "speaker", "text", "kind"),
    [
        ("en", "scene:1.1", "Kai", "Lena, bring the lamp!", "absent_actor"),
        ("zh", "scene:1.1", "林海", "秀兰，把灯拿来！", "absent_actor"),
        ("en", "scene:1.2", "Kai", "I still can't believe Rook is dead.", "status_contradiction"),
        ("zh", "scene:1.2", "林海", "赵虎已经死了，我不敢相信。", "status_contradiction"),
        ("en", "scene:1.1", "Kai", "Marcus, get off my dock!", "unknown_name"),
        ("zh", "scene:1.1", "林海", "王强，你给我滚！", "unknown_name"),
        (
            "en",
            "scene:1.1",
            "Kai",
            "Rook is my brother, and nobody touches family.",
            "relation_mismatch",
        ),
        ("zh", "scene:1.1", "林海", "赵虎是我哥哥，谁也别动他。", "relation_mismatch"),
        (
            "en",
            "scene:1.2",
            "Lena",
            "I know the truth: he gambled away the boat insurance.",
            "secret_early",
        ),
        ("zh", "scene:1.2", "林秀兰", "我知道，他赌输了渔船的保险金。", "secret_early"),
    ],
)
def test_a_line_against_the_plan_is_caught(
    lang: str, sid: str, speaker: str, text: str, kind: str
) -> None:
    story = STORIES[lang]()
    scene_of(story, sid).lines.append(DialogueLine(speaker=speaker, text=text, emotion="tense"))
    hits = [i for i in run_checks(story) if i.kind == kind and i.node == sid]
    assert hits and hits[0].evidence == text


@pytest.mark.parametrize(
    ("lang", "sid", "opening", "kind"),
    [
        ("en", "scene:1.2", "At midnight, the kitchen is silent.", "time_mismatch"),
        ("zh", "scene:1.2", "午夜，厨房里一片寂静。", "time_mismatch"),
        ("en", "scene:1.2", "At the Harbor, the wind suddenly drops.", "wrong_place"),
        ("zh", "scene:1.2", "在码头上，风忽然停了。", "wrong_place"),
        ("en", "scene:2.1", "Marcus Bell climbs aboard.", "unknown_name"),
        ("zh", "scene:2.1", "王强猛地推开舱门。", "unknown_name"),
    ],
)
def test_an_action_against_the_plan_is_caught(lang: str, sid: str, opening: str, kind: str) -> None:
    story = STORIES[lang]()
    scene = scene_of(story, sid)
    scene.action = f"{opening} {scene.action}" if lang == "en" else opening + scene.action
    hits = [i for i in run_checks(story) if i.kind == kind and i.node == sid]
    assert hits and hits[0].evidence == opening


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The radio says the storm hits at midnight."),  # a line may mention an hour
        ("en", "He looks out at the Harbor through the rain."),
        ("en", "Last night the nets were torn."),
        ("zh", "收音机说半夜风会转向。"),
        ("zh", "他望向码头的方向。"),
        ("zh", "昨晚的渔网全破了。"),
    ],
)
def test_time_and_place_mentioned_without_setting_the_scene_are_fine(lang: str, text: str) -> None:
    story = STORIES[lang]()
    scene = scene_of(story, "scene:1.2")
    scene.action += (" " if lang == "en" else "") + text
    assert run_checks(story) == []


def test_mom_to_the_mother_is_fine_and_to_the_creditor_is_not() -> None:
    story = clean_story_en()
    scene = scene_of(story, "scene:1.1")  # Kai and Rook
    scene.lines.append(DialogueLine(speaker="Rook", text="Mom, he will not pay.", emotion="tense"))
    assert "relation_mismatch" in kinds_at(story, "scene:1.1")
    story = clean_story_en()
    scene_of(story, "scene:1.2").lines.append(
        DialogueLine(speaker="Kai", text="Mom, sit down.", emotion="tender")
    )
    assert run_checks(story) == []


def test_one_voice_where_two_are_present_is_a_thin_scene() -> None:
    story = clean_story_en()
    scene = scene_of(story, "scene:1.2")
    for line in scene.lines:
        line.speaker = "Kai"
    assert "thin_scene" in kinds_at(story, "scene:1.2")


def test_too_few_lines_for_the_episode_length_is_a_thin_scene() -> None:
    story = clean_story_en()
    story.episode_seconds = 180  # 6 scenes' worth of lines asked of 3-scene episodes
    assert "thin_scene" in kinds_at(story, "scene:2.1")
    story.episode_seconds = 30
    assert run_checks(story) == []


def test_labels_against_the_planned_feeling_are_caught() -> None:
    story = clean_story_en()
    scene = scene_of(story, "scene:1.2")  # Kai planned angry -> afraid
    for line in scene.lines:
        if line.speaker == "Kai":
            line.emotion = "elated"
    assert "emotion_off_plan" in kinds_at(story, "scene:1.2")
