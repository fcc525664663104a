"""Two small, coherent series (English and Chinese) that every code check passes.

Tests and benchmarks plant one defect in a copy (see `planting.py`); the clean
originals must raise nothing. Both tell the same story: a fisherman sails into a
storm to pay his sick mother's debt, over two episodes, with consistent ledgers.
"""

from __future__ import annotations

from reelwright.agents.schemas import StoryView
from reelwright.plan import Plan

from .fixtures_en import clean_story_en
from .fixtures_zh import clean_story_zh

__all__ = ["clean_story_en", "clean_story_zh", "story_plan"]


def story_plan(story: StoryView) -> Plan:
    """The plan a writer would have left: bible, outlines and scenes done, critique next."""
    plan = Plan()
    plan.add(
        "series", "series", "writer", payload=story.bible.model_dump(mode="json"), status="done"
    )
    plan.add("critique:series", "critique", "critics", ["series"])
    for episode in story.episodes:
        ep = f"episode:{episode.number}"
        plan.add(
            ep,
            "episode",
            "writer",
            ["series"],
            status="done",
            payload=episode.outline.model_dump(mode="json"),
        )
        plan.link(ep, "critique:series")
        for scene_id, scene in episode.scenes.items():
            plan.add(
                scene_id,
                "scene",
                "writer",
                [ep],
                status="done",
                payload=scene.model_dump(mode="json"),
            )
            plan.link(scene_id, "critique:series")
    return plan
