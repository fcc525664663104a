"""The writer mends the piece an issue points at: which piece, and what comes back."""

from __future__ import annotations

import threading
from pathlib import Path

from support.fake_llm import ScriptedModel
from support.fixtures_story import clean_story_en, story_plan
from support.services import offline_services

from reelwright.agents.checks.text import Names
from reelwright.agents.mend import mend, target_of, targets_of
from reelwright.agents.schemas import Issue, Scene
from reelwright.events import EventLog
from reelwright.scheduler import NodeContext
from reelwright.settings import RunSettings
from reelwright.store import new_run
from reelwright.tools.llm import LLM, ResponseCache

STORY = clean_story_en()
EPISODE = STORY.episodes[0]
SID = next(iter(EPISODE.scenes))
SCENE = EPISODE.scenes[SID]
BEAT = EPISODE.outline.scenes[0]


COMMON = {"characters": "", "facts": "", "language_rule": "", "speakers": "", "relations": ""}


def _writer_context(tmp_path: Path, fake: ScriptedModel) -> NodeContext:  # type: ignore[type-arg]
    settings = RunSettings(premise="a test premise", episode_seconds=30)
    run = new_run(tmp_path / "runs", settings)
    services = offline_services(settings, run, LLM(fake, cache=ResponseCache(run.cache_path)))
    events = EventLog(run.events_path, run.id)
    return NodeContext(SID, story_plan(STORY), threading.RLock(), events, "writer", services)


def _issue(kind: str, evidence: str) -> Issue:
    return Issue.model_validate(
        {"node": SID, "kind": kind, "severity": "high", "evidence": evidence, "fix": "fix it"}
    )


def test_each_issue_points_at_a_piece() -> None:
    line = SCENE.lines[1]
    doubled = Scene.model_validate(
        {**SCENE.model_dump(), "lines": [*SCENE.model_dump()["lines"], line.model_dump()]}
    )
    assert target_of(_issue("status_contradiction", line.text), SCENE, 6) == ("line", 1)
    cue = f"{line.speaker}: {line.text}"
    assert target_of(_issue("plan_contradiction", cue), SCENE, 6) == ("line", 1)
    last = len(doubled.lines) - 1
    assert target_of(_issue("near_duplicate", line.text), doubled, 6) == ("line", last)
    assert target_of(_issue("wrong_place", SCENE.action[:30]), SCENE, 6) == ("action", 0)
    assert target_of(_issue("thin_scene", line.text), SCENE, 3) == ("more", 3)
    assert target_of(_issue("motivation", "why would she stay"), SCENE, 6) is None
    tripled = Scene.model_validate(
        {**doubled.model_dump(), "lines": [*doubled.model_dump()["lines"], line.model_dump()]}
    )
    # every later copy of a repeat is mended in the same round, the first one kept
    assert targets_of(_issue("near_duplicate", line.text), tripled, 6) == [
        ("line", last),
        ("line", last + 1),
    ]


def test_a_line_that_narrates_the_action_is_sent_back(tmp_path: Path) -> None:
    fake = ScriptedModel()
    narrated = {"text": SCENE.action.split(".")[0] + ".", "emotion": "calm"}
    fake.add("LineFix", narrated, {"text": "Then we leave before the tide.", "emotion": "tense"})
    ctx = _writer_context(tmp_path, fake)
    draft = mend(
        ctx, SCENE, [_issue("status_contradiction", SCENE.lines[1].text)], beat=BEAT,
        names=Names(STORY.bible), lang="en", budget=10, round_no=1, common=COMMON,
    )  # fmt: skip
    assert draft is not None and draft.action == SCENE.action
    assert draft.lines[1].text == "Then we leave before the tide."
    assert [ln.text for i, ln in enumerate(draft.lines) if i != 1] == [
        ln.text for i, ln in enumerate(SCENE.lines) if i != 1
    ]
    repair = "\n".join(m.content for m in fake.calls[1][0])
    assert "repeats the action" in repair


def test_a_line_no_reply_can_fix_is_cut(tmp_path: Path) -> None:
    """A line against the plan, rewritten into a repeat twice: the line goes."""
    bad = SCENE.lines[1]
    fake = ScriptedModel()
    fake.add("LineFix", *[{"text": SCENE.lines[0].text, "emotion": "calm"}] * 4)
    ctx = _writer_context(tmp_path, fake)
    draft = mend(
        ctx, SCENE, [_issue("status_contradiction", bad.text)], beat=BEAT,
        names=Names(STORY.bible), lang="en", budget=10, round_no=1, common=COMMON,
    )  # fmt: skip
    assert draft is not None and fake.calls_for("LineFix") == 2
    assert [ln.text for ln in draft.lines] == [ln.text for ln in SCENE.lines if ln is not bad]


def test_repeats_are_cut_in_code_and_the_scene_grows_in_one_call(tmp_path: Path) -> None:
    """The 1.5B model's forced last lines loop; the copies go, one call writes new ones."""
    looped = [*SCENE.model_dump()["lines"], *SCENE.model_dump()["lines"][:2] * 2]
    scene = Scene.model_validate({**SCENE.model_dump(), "lines": looped})
    cast = [ln.speaker for ln in SCENE.lines[:2]]
    new = [
        {"speaker": cast[0], "text": "The harbour master closed the pier an hour ago.",
         "emotion": "worried"},
        {"speaker": cast[1], "text": "Then we take the old skiff and go anyway.",
         "emotion": "determined"},
    ]  # fmt: skip
    fake = ScriptedModel().add("MoreLines", {"lines": new})
    ctx = _writer_context(tmp_path, fake)
    repeat = _issue("near_duplicate", SCENE.lines[0].text)
    draft = mend(
        ctx, scene, [repeat], beat=BEAT, names=Names(STORY.bible), lang="en",
        budget=40, round_no=1, common=COMMON,
    )  # fmt: skip
    assert draft is not None
    texts = [ln.text for ln in draft.lines]
    assert texts.count(SCENE.lines[0].text) == 1, "every later copy is cut"
    assert fake.calls_for("LineFix") == 0 and fake.calls_for("MoreLines") == 1
    assert texts[-2:] == [n["text"] for n in new], "the short scene grew after its lines"
