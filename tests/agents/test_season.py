"""A long series is planned with its arc in view: a season in parts, and a ledger kept by
code, so a late episode's outline still knows what an early one set up."""

from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest
from fake_story import story_script
from support.fake_llm import ScriptedModel

from reelwright import pipeline
from reelwright.agents.schemas import Season
from reelwright.agents.season import part_ranges, wants_season
from reelwright.events import read_events
from reelwright.recipe import DRAMA
from reelwright.settings import RunSettings


@pytest.mark.parametrize("episodes", [10, 12, 37, 80, 100, 120])
def test_parts_cover_every_episode_once_in_order(episodes: int) -> None:
    ranges = part_ranges(episodes)
    covered = [ep for first, last in ranges for ep in range(first, last + 1)]
    assert covered == list(range(1, episodes + 1))
    sizes = [last - first + 1 for first, last in ranges]
    assert max(sizes) - min(sizes) <= 1 and max(sizes) <= 12


def test_a_short_series_has_no_season() -> None:
    assert not wants_season(2) and wants_season(10)


def test_episode_twelve_sees_its_part_and_what_episode_three_set_up(tmp_path: Path) -> None:
    episodes = 12
    replies = story_script(episodes=episodes, lang="en")["replies"]
    # episode 3 hands a prop over; nine episodes later the outline prompt must still know
    third = replies["OutlineDraft@episode:3"][0]
    third["scenes"][0]["gives"] = [{"item": "brass compass", "to": "Lin Hai"}]
    model = ScriptedModel()
    for key, items in replies.items():
        model.by_key[key] = deque(items * 4)  # the stub's replay: enough for every retry
    settings = RunSettings(
        premise="A young fisherman battles the raging sea to save his mother",
        episodes=episodes,
        episode_seconds=60,
        llm="openai:stub-model",
        model_critics=False,
        critique_rounds=0,
    )
    run = pipeline.start(settings, tmp_path / "runs", DRAMA)
    outcome = pipeline.execute(run, settings, DRAMA, backend=model, plan_only=True)
    assert outcome.ok, outcome.failed
    plan = run.load_plan()

    season = Season.model_validate(plan.payload("season"))
    assert [(p.first, p.last) for p in season.parts] == [(1, 6), (7, 12)]
    assert "season" in plan.g.predecessors("episode:12")
    prompts = {
        e["node"]: e["messages"][-1]["content"]
        for e in read_events(run.events_path)
        if e["type"] == "llm_call" and e.get("prompt") == "writer_outline"
    }
    last = prompts["episode:12"]
    assert "This stretch (episodes 7 to 12 of 12): Part 2: Hai fights to keep the boat" in last
    assert "This episode ends the stretch with: Storm 2 takes the nets" in last
    assert "Lin Hai holds brass compass" in last
    assert "Recent episodes: 9. Episode 9; 10. Episode 10; 11. Episode 11." in last
    assert "episodes 1 to 6" in prompts["episode:2"] and "brass compass" not in prompts["episode:2"]
