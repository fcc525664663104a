"""Shot-list rules the director holds whatever the model replies, and what it asks for."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from fake_story import outline_plan, scene, takes
from support.fake_llm import ScriptedModel
from support.services import offline_services

from reelwright.agents import coverage
from reelwright.agents.coverage import speech_seconds
from reelwright.agents.director import enforce, plan_shots
from reelwright.agents.schemas import DialogueLine, Scene, Shot, ShotList
from reelwright.agents.takes import takes_schema
from reelwright.events import EventLog, read_events
from reelwright.plan import Plan
from reelwright.scheduler import NodeContext
from reelwright.settings import RunSettings
from reelwright.store import new_run
from reelwright.tools.llm import LLM
from reelwright.tools.timing import LEAD_IN


def shot(lines: list[int], lens: int = 500, who: str = "Lin Hai") -> Shot:
    return Shot(
        size="MS",
        angle="eye level",
        move="static",
        lens_mm=lens,
        duration=9.0,
        characters=[
            {"name": who, "position": "center"},  # type: ignore[list-item]
            {"name": "Stranger", "position": "left"},  # type: ignore[list-item]
        ],
        description="x",
        performance="x",
        emotion="x",
        lines=lines,
    )


def long_scene(n_lines: int = 8) -> Scene:
    """A scene with enough speech for its 30 s budget, and one line that turns it."""
    sc = Scene.model_validate(scene("en", 1, 1))
    base = sc.lines
    sc.lines = [
        DialogueLine(
            speaker=base[k % 2].speaker,
            text=base[k % 4].text,
            emotion="calm",
        )
        for k in range(n_lines)
    ]
    sc.lines[5].emotion = "shocked"
    sc.lines[5].text = "You sold the boat? The boat your father built?!"
    return sc


def assert_rules(plan: ShotList, sc: Scene, lang: str = "en") -> None:
    covered = [n for s in plan.shots for n in s.lines]
    assert covered == list(range(1, len(sc.lines) + 1)), "each line once, in order"
    assert plan.shots[0].lines, "the first shot speaks"
    names = {c.name for s in plan.shots for c in s.characters}
    assert names <= set(sc.ledger.present) | {ln.speaker for ln in sc.lines}
    assert all(14 <= s.lens_mm <= 135 for s in plan.shots)
    assert sum(1 for s in plan.shots if not s.lines) <= 1, "one silent shot at most"
    for s in plan.shots:
        speech = sum(speech_seconds(sc.lines[n - 1].text, lang) for n in s.lines)
        assert s.duration >= speech + LEAD_IN, "a shot lasts as long as its speech"
        assert s.duration <= max(coverage.MAX_SHOT, speech + 1.5), "no silent hold"


def test_skeleton_hook_first_cliffhanger_last_and_one_reaction_at_the_turn() -> None:
    sc = long_scene()
    sk = coverage.build(sc, budget=30.0, lang="en", hook=True, cliffhanger=True)
    assert [n for s in sk.slots for n in s.lines] == list(range(1, 9))
    assert sk.slots[0].role == "hook" and sk.slots[0].lines[0] == 1
    assert sk.slots[-1].role == "cliffhanger" and sk.slots[-1].lines[-1] == 8
    reactions = [i for i, s in enumerate(sk.slots) if s.kind == "reaction"]
    assert sk.turn == 6 and len(reactions) == 1
    assert sk.slots[reactions[0] - 1].lines[-1] == 6, "the reaction follows the turning line"
    assert sk.slots[reactions[0]].who == ["Lin Hai"], "the one who hears it reacts"
    assert not sk.problems and sk.seconds <= 30 * coverage.OVER_SHARE
    calm = long_scene()
    calm.lines[5].emotion = "calm"
    calm.lines[5].text = "The boat is ready."
    assert all(s.kind == "line" for s in coverage.build(calm, budget=30.0, lang="en").slots)


def test_a_short_scene_is_reported_not_padded() -> None:
    sc = Scene.model_validate(scene("en", 1, 1))  # four short lines, calm talk
    sk = coverage.build(sc, budget=30.0, lang="en", hook=True)
    speech = sum(speech_seconds(ln.text, "en") for ln in sc.lines)
    assert sk.seconds < speech + 0.9 * len(sc.lines), "durations come from speech only"
    assert all(s.kind == "line" for s in sk.slots), "no listener close-ups to fill time"
    assert sk.problems and sk.problems[0].startswith("short_of_material")


def test_a_speakers_consecutive_lines_share_a_shot_while_it_fits() -> None:
    sc = Scene.model_validate(scene("en", 1, 1))
    for line, text in zip(
        sc.lines[:3], ["Go.", "Go now.", "Please, before the tide."], strict=True
    ):
        line.speaker, line.text = "Mei", text
    groups = coverage.group_lines(sc.lines, "en")
    assert [n for g in groups for n in g] == [1, 2, 3, 4] and len(groups) < 4
    for group in groups:
        seconds = [speech_seconds(sc.lines[n - 1].text, "en") for n in group]
        assert len(group) == 1 or coverage.shot_seconds(seconds) <= coverage.MAX_SHOT


def test_a_full_plan_that_breaks_every_rule_is_repaired_in_code() -> None:
    sc = Scene.model_validate(scene("en", 1, 1))
    sk = coverage.build(sc, budget=15.0, lang="en")
    proposed = ShotList(shots=[shot([]), shot([2, 1]), shot([2]), shot([]), shot([]), shot([9])])
    fixed = enforce(proposed, sc, sk, "en")
    assert_rules(fixed, sc)


def test_a_miscounted_reply_with_unknown_words_is_repaired() -> None:
    schema = takes_schema(3)
    reply = schema.model_validate(
        {
            "shots": [
                ["close-up", "Low", "push-in", "x" * 200, "y"],
                {"size": "wide shot", "angle": "worm's eye", "move": "dolly"},
                ["MCU", "dutch", "tilt", "a", "b"],
                ["CU", "high", "pan", "extra", "dropped"],
            ]
        }
    )
    assert [t[:3] for t in reply.shots] == [
        ("CU", "low", "push in"),
        ("WS", "eye level", "static"),
        ("MCU", "dutch", "tilt"),
    ]
    assert len(reply.shots[0][3]) <= 40
    short = schema.model_validate({"shots": [["ECU", "high", "static", "a", "b"]]})
    assert len(short.shots) == 3


def context(
    tmp_path: Path, fake: ScriptedModel, sc: Scene, node: str, shots: str = "taste"
) -> tuple[NodeContext, Path]:
    settings = RunSettings.model_validate(
        {"premise": "a test premise", "episode_seconds": 90, "shots": shots}
    )
    run = new_run(tmp_path, settings)
    plan = Plan()
    plan.add("episode:1", "episode", "writer", payload=outline_plan("en", 1, 3), status="done")
    for k in (1, 2, 3):
        payload: dict[str, Any] = (
            sc.model_dump(mode="json")
            if f"scene:1.{k}" == node.replace("shotlist", "scene")
            else scene("en", 1, k)
        )
        plan.add(f"scene:1.{k}", "scene", "writer", payload=payload, status="done")
    plan.add(node, "shotlist", "director", ["episode:1"])
    services = offline_services(settings, run, LLM(fake))
    events = EventLog(run.events_path, run.id)
    return NodeContext(node, plan, threading.RLock(), events, "director", services), run.events_path


@pytest.mark.parametrize("node", ["shotlist:1.1", "shotlist:1.3"])
def test_one_compact_call_per_scene_and_the_first_line_within_three_seconds(
    tmp_path: Path, node: str
) -> None:
    sc = long_scene()
    fake = ScriptedModel().add("Takes", takes())
    ctx, events_path = context(tmp_path, fake, sc, node)
    payload = plan_shots(ctx)
    plan = ShotList.model_validate(payload)
    assert_rules(plan, sc)
    assert fake.calls_for("Takes") == 1 and len(fake.calls) == 1, "one call, nothing sent back"
    messages, _ = fake.calls[0]
    assert sum(len(m.content) for m in messages) < 4000 * len(plan.shots) / 3
    if node == "shotlist:1.1":
        assert plan.shots[0].lines == [1]
        assert LEAD_IN < 3.0, "the hook shot speaks at once"
        assert "capsizes" in plan.shots[0].description, "the hook shot carries the hook"
    else:
        assert "mayday" in plan.shots[-1].description, "the cliffhanger shot is last"
    assert plan.shots[1].size == "CU" and plan.shots[1].lens_mm == 85, "the model's look is used"
    critiques = [e for e in read_events(events_path) if e["type"] == "critique"]
    assert not critiques, "a scene with enough speech is not reported"


def test_a_short_scene_emits_a_critique_for_the_writers_room(tmp_path: Path) -> None:
    sc = Scene.model_validate(scene("en", 1, 2))
    fake = ScriptedModel().add("Takes", takes())
    ctx, events_path = context(tmp_path, fake, sc, "shotlist:1.2")
    payload = plan_shots(ctx)
    assert_rules(ShotList.model_validate(payload), sc)
    assert payload["problems"] and payload["seconds"] < payload["budget"]
    critiques = [e for e in read_events(events_path) if e["type"] == "critique"]
    assert critiques[0]["issues"][0]["kind"] == "short_of_material"
    assert critiques[0]["issues"][0]["node"] == "scene:1.2"


def test_the_embedded_form_asks_for_looks_only_and_code_writes_the_rest(tmp_path: Path) -> None:
    """Looks: [size, angle, move] per shot; framing and acting come from the scene."""
    sc = long_scene()
    fake = ScriptedModel().add("Takes", takes())  # a model that writes words anyway
    ctx, _ = context(tmp_path, fake, sc, "shotlist:1.1", shots="looks")
    plan = ShotList.model_validate(plan_shots(ctx))
    assert_rules(plan, sc)
    messages, _ = fake.calls[0]
    assert "[size, angle, move]" in messages[0].content and "acting" not in messages[0].content
    entry = takes_schema(3, words=False).model_json_schema()["properties"]["shots"]["items"]
    assert entry["maxItems"] == 3, "the grammar leaves no room for words"
    assert plan.shots[1].size == "CU", "the model's look is used"
    assert "rain streaks" not in plan.shots[1].description, "its words are not asked for"
    assert "capsizes" in plan.shots[0].description, "the hook shot still carries the hook"
    assert plan.shots[1].performance == sc.lines[plan.shots[1].lines[0] - 1].emotion


def test_a_look_that_only_repeats_the_line_is_dropped(tmp_path: Path) -> None:
    sc = long_scene()
    echo = {"shots": [["CU", "low", "static", sc.lines[0].text, "Lin Hai (determined)"]] * 9}
    ctx, _ = context(tmp_path, ScriptedModel().add("Takes", echo), sc, "shotlist:1.2")
    first = ShotList.model_validate(plan_shots(ctx)).shots[0]
    assert first.description == "Lin Hai speaks" and "(" not in first.performance


def test_a_model_that_fails_still_gets_the_laid_out_shots(tmp_path: Path) -> None:
    sc = long_scene()
    fake = ScriptedModel().add("Takes", "not json", "still not json")
    ctx, events_path = context(tmp_path, fake, sc, "shotlist:1.2")
    plan = ShotList.model_validate(plan_shots(ctx))
    assert_rules(plan, sc)
    assert len({s.size for s in plan.shots}) >= 3, "default looks vary: no slideshow"


@pytest.mark.parametrize("budget", [15.0, 30.0])
def test_a_scene_written_to_the_asked_count_is_not_short_for_the_director(budget: float) -> None:
    """The writers' room asks for lines by the same measure the director lays shots out
    with: one-breath lines to the asked count fill the scene; half as many do not, and
    the lines that `lines_short` asks for bring it back."""
    breath = "Stay here, the sea rises."  # a one-breath line of the length LINE_S assumes
    want = coverage.lines_wanted(budget)

    base = Scene.model_validate(scene("en", 1, 1))
    who = [ln.speaker for ln in base.lines[:2]]

    def scene_of(n: int) -> Scene:
        lines = [DialogueLine(speaker=who[i % 2], text=breath, emotion="calm") for i in range(n)]
        return base.model_copy(update={"lines": lines})

    full = coverage.build(scene_of(want), budget=budget, lang="en")
    assert full.problems == [], full.problems
    assert coverage.lines_short(scene_of(want).lines, budget, "en") == 0
    half = scene_of(want // 2)
    assert coverage.build(half, budget=budget, lang="en").problems[0].startswith("short_of")
    more = coverage.lines_short(half.lines, budget, "en")
    grown = scene_of(want // 2 + more)
    assert coverage.build(grown, budget=budget, lang="en").problems == []
