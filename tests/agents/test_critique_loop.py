"""The critique loop: a planted defect is reported in round 1 and gone in round 2."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from support.fake_llm import ScriptedModel
from support.fixtures_story import clean_story_en, story_plan
from support.planting import plant_defect

from reelwright.agents import critics
from reelwright.context import AgentContext, Services
from reelwright.events import EventLog, read_events
from reelwright.plan import Plan
from reelwright.scheduler import NodeContext
from reelwright.settings import RunSettings
from reelwright.store import new_run
from reelwright.tools.animatic import AnimaticBackend
from reelwright.tools.llm import LLM
from reelwright.tools.storyboard import StoryboardBackend


def context(
    tmp_path: Path, plan: Plan, fake: ScriptedModel, rounds: int = 2
) -> tuple[AgentContext, Path]:
    settings = RunSettings(premise="a test premise", critique_rounds=rounds)
    run = new_run(tmp_path, settings)
    services = Services(settings, run, LLM(fake), StoryboardBackend(), AnimaticBackend())
    events = EventLog(run.events_path, run.id)
    return NodeContext(
        "critique:series", plan, threading.RLock(), events, "critics", services
    ), run.events_path


@pytest.mark.parametrize(
    "kind",
    ["absent_actor", "time_backwards", "prop_not_held", "sentiment_mismatch", "near_duplicate"],
)
def test_planted_defect_is_found_then_fixed(kind: str, tmp_path: Path) -> None:
    clean = clean_story_en()
    broken, node = plant_defect(clean, kind)
    clean_scene = (
        next(e.scenes[node] for e in clean.episodes if node in e.scenes)
        if node.startswith("scene:")
        else None
    )
    fake = ScriptedModel()
    fake.add("CriticReport", *[{"issues": []}] * 20)
    if clean_scene is not None:
        fake.add("Scene", clean_scene.model_dump(mode="json"), node=node)
    plan = story_plan(broken)
    ctx, events_path = context(tmp_path, plan, fake)
    report = critics.critique(ctx)
    first = [i for i in report.rounds[0].issues if i.kind == kind]
    assert first and first[0].node == node
    assert len(report.rounds) >= 2
    assert not [i for i in report.rounds[-1].issues if i.kind == kind]
    assert report.rounds[1].fixed >= 1
    if clean_scene is not None:
        assert plan.payload(node)["action"] == clean_scene.action, "the revision was applied"
    revisions = [e for e in read_events(events_path) if e["type"] == "revision"]
    assert revisions and revisions[0]["target"] == node
    assert revisions[0]["before"] != revisions[0]["after"]


def test_ungrounded_critic_issue_is_dropped_and_counted(tmp_path: Path) -> None:
    story = clean_story_en()
    scene_id = next(iter(story.episodes[0].scenes))
    real_quote = story.episodes[0].scenes[scene_id].lines[0].text
    fake = ScriptedModel()
    fake.add(
        "CriticReport",
        {
            "issues": [
                {
                    "scene": scene_id,
                    "kind": "motivation",
                    "severity": "medium",
                    "evidence": "words that are nowhere in the script",
                    "fix": "x",
                },
                {
                    "scene": scene_id,
                    "kind": "tone",
                    "severity": "low",
                    "evidence": f"  {real_quote}  ",
                    "fix": "lighter",
                },
            ]
        },
        *[{"issues": []}] * 20,
    )
    fake.add("Scene", story.episodes[0].scenes[scene_id].model_dump(mode="json"), node=scene_id)
    ctx, _ = context(tmp_path, story_plan(story), fake, rounds=1)
    report = critics.critique(ctx)
    assert report.rounds[0].dropped_ungrounded == 1
    kept = [i for i in report.rounds[0].issues if i.source == "critic"]
    assert [i.kind for i in kept] == ["tone"]


def test_rounds_are_bounded(tmp_path: Path) -> None:
    broken, node = plant_defect(clean_story_en(), "absent_actor")
    still_broken = next(e.scenes[node] for e in broken.episodes if node in e.scenes)
    fake = ScriptedModel()
    fake.add("CriticReport", *[{"issues": []}] * 20)
    fake.add("Scene", *[still_broken.model_dump(mode="json")] * 5, node=node)
    ctx, _ = context(tmp_path, story_plan(broken), fake, rounds=2)
    report = critics.critique(ctx)
    assert len(report.rounds) <= 3
    assert fake.calls_for("Scene") <= 2
    assert [i for i in report.final_issues if i.kind == "absent_actor"]
