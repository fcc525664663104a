"""The code checks: silent on clean series, and each planted defect found where it lives."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support.fixtures_story import clean_story_en, clean_story_zh
from support.planting import plant_defect

from reelwright.agents.checks import CODE_KINDS, artifact_text, run_checks
from reelwright.agents.checks.sentiment import contradicts, expected_polarity
from reelwright.agents.schemas import DialogueLine, StoryView

STORIES = {"en": clean_story_en, "zh": clean_story_zh}


@pytest.fixture(scope="module", params=["en", "zh"])
def clean(request: pytest.FixtureRequest) -> StoryView:
    return STORIES[request.param]()


def _script(story: StoryView, node: str) -> str:
    """The action and dialogue of a scene, or the outline fields of an episode."""
    for episode in story.episodes:
        if node in episode.scenes:
            scene = episode.scenes[node]
            return "\n".join([scene.action] + [line.text for line in scene.lines])
    return ""


def test_clean_stories_are_well_formed(clean: StoryView) -> None:
    assert len(clean.episodes) == 2
    assert all(2 <= len(e.scenes) <= 3 for e in clean.episodes)


@pytest.mark.parametrize("kind", CODE_KINDS)
def test_clean_story_raises_no_issue_of_this_kind(clean: StoryView, kind: str) -> None:
    issues = [i for i in run_checks(clean) if i.kind == kind]
    assert issues == []


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("kind", CODE_KINDS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_planted_defect_is_found_at_its_node(lang: str, kind: str, seed: int) -> None:
    story, node = plant_defect(STORIES[lang](), kind, seed=seed)
    hits = [i for i in run_checks(story) if i.kind == kind and i.node == node]
    assert hits, f"{kind} planted in {node} was not reported"
    for hit in hits:
        assert hit.source == "code"
        assert hit.fix.strip()
        assert hit.evidence.strip()
        assert hit.evidence in artifact_text(story, node)


@pytest.mark.parametrize(
    "kind", ["absent_actor", "sentiment_mismatch", "wrong_language", "near_duplicate"]
)
def test_script_issues_quote_the_script_itself(kind: str) -> None:
    story, node = plant_defect(clean_story_en(), kind, seed=0)
    hit = next(i for i in run_checks(story) if i.kind == kind and i.node == node)
    assert hit.evidence in _script(story, node)


def test_planting_leaves_the_original_alone() -> None:
    story = clean_story_en()
    before = story.model_dump_json()
    for kind in CODE_KINDS:
        plant_defect(story, kind, seed=1)
    assert story.model_dump_json() == before


def test_dead_character_speaking_is_caught_in_the_next_scene() -> None:
    story = clean_story_en()
    rook = story.episodes[0].scenes["scene:1.3"].ledger.characters[1]
    assert rook.name == "Rook Varga"
    rook.status = "dead"
    issues = [i for i in run_checks(story) if i.kind == "absent_actor"]
    assert {i.node for i in issues} == {"scene:2.2"}
    evidence = {i.evidence for i in issues}
    assert "Every cent. How disappointing." in evidence  # he speaks
    assert "The buyers paid double for the tuna. Here is every cent, Rook." in evidence  # called


def test_off_screen_voice_is_not_an_absent_actor() -> None:
    story = clean_story_en()
    scene = story.episodes[1].scenes["scene:2.1"]
    scene.lines.append(
        DialogueLine(speaker="LENA (V.O.)", text="Come home, Kai.", emotion="hopeful")
    )
    assert [i for i in run_checks(story) if i.kind == "absent_actor"] == []


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", " He thinks of Lena's tired eyes."),
        ("en", " A photo of Rook hangs by the wheel."),
        ("en", " Kai shouts for Lena, but the wind swallows it."),
        ("zh", "林海想起赵虎的话。"),
        ("zh", "他看着母亲秀兰的照片。"),
    ],
)
def test_absent_character_named_but_not_acting_is_fine(lang: str, sentence: str) -> None:
    story = STORIES[lang]()
    scene = story.episodes[1].scenes["scene:2.1"]  # the hero alone at sea
    scene.action += sentence
    assert run_checks(story) == []


def test_emotion_jump_respects_threshold_and_cause() -> None:
    story, node = plant_defect(clean_story_en(), "emotion_jump", seed=0)
    assert any(i.kind == "emotion_jump" for i in run_checks(story))
    assert not any(i.kind == "emotion_jump" for i in run_checks(story, emotion_jump=3.0))
    for episode in story.episodes:
        if node in episode.scenes:
            episode.scenes[node].cause = "A phone call brings terrible news."
    assert not any(i.kind == "emotion_jump" for i in run_checks(story))


def test_short_repeated_lines_are_not_duplicates() -> None:
    story = clean_story_en()
    for scene in story.episodes[0].scenes.values():
        scene.lines.append(DialogueLine(speaker="Kai", text="Yes.", emotion="calm"))
    assert run_checks(story) == []


def test_emotion_labels_map_to_polarity() -> None:
    assert expected_polarity("Happy") == 1
    assert expected_polarity("温柔") == 1
    assert expected_polarity("furious") == -1
    assert expected_polarity("害怕") == -1
    assert expected_polarity("surprised") == 0
    assert contradicts("I hate you, you liar!", "surprised") is None
    assert contradicts("I hate you. Get out of my house, you filthy liar!", "happy")
    assert contradicts("你这个骗子，我恨你！滚出去！", "开心")
    assert contradicts("别怕，有我在。", "温柔") is None


def test_snownlp_scores_chinese_with_the_network_blocked() -> None:
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from snownlp import SnowNLP\n"
        "print(SnowNLP('谢谢你，我真的很幸福。').sentiments)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) > 0.5


@pytest.mark.parametrize(
    "sentence",
    ["ROOK steps out of the shadows.", "Lena and Kai run for the boat.", "Then Rook laughed."],
)
def test_absent_character_acting_in_action_is_caught(sentence: str) -> None:
    story = clean_story_en()
    scene = story.episodes[1].scenes["scene:2.1"]  # Kai alone at sea
    scene.action += " " + sentence
    issues = [i for i in run_checks(story) if i.kind == "absent_actor"]
    assert [i.node for i in issues] == ["scene:2.1"]
    assert issues[0].evidence == sentence
