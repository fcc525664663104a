"""The critique loop through the plan graph: a failing scene is sent back, revised, re-checked.

The critique node only checks; the recipe's expand hook stores the failing checks on
the scene node and invalidates it; the writer revises with a fresh seed per round;
the critique runs again and reports each issue as fixed or left, and why.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path
from typing import Any

import pytest
from support.fake_llm import ScriptedModel
from support.fixtures_story import clean_story_en, story_plan
from support.mending import mend_from
from support.planting import plant_defect
from support.services import offline_services

from reelwright.agents import critics, writer
from reelwright.agents.schemas import Scene, StoryView
from reelwright.events import EventLog, read_events
from reelwright.plan import Plan
from reelwright.repair_loop import expand_critique
from reelwright.scheduler import Job, NodeContext, Scheduler
from reelwright.settings import RunSettings
from reelwright.store import RunDir, new_run
from reelwright.tools.llm import LLM, ResponseCache

CRITIQUE = "critique:series"


def _noop(ctx: NodeContext) -> Any:
    return ctx.payload(ctx.node_id)


JOBS = {
    "series": Job(_noop),
    "episode": Job(_noop),
    "scene": Job(writer.write_scene, "llm"),
    "critique": Job(critics.critique, "llm", expand_critique),
}


def _draft(scene: Scene) -> dict[str, Any]:
    return {
        "action": scene.action,
        "lines": [
            {"speaker": ln.speaker, "text": ln.text, "emotion": ln.emotion} for ln in scene.lines
        ],
    }


def _scene(story: StoryView, sid: str) -> Scene:
    return next(e.scenes[sid] for e in story.episodes if sid in e.scenes)


class Loop:
    """A plan with the story written and the critique to run, and a scheduler over it."""

    def __init__(
        self,
        tmp: Path,
        story: StoryView,
        fake: ScriptedModel,
        rounds: int = 2,
        critics_on: bool = False,
    ) -> None:
        self.settings = RunSettings(
            premise="a test premise",
            critique_rounds=rounds,
            episode_seconds=30,
            model_critics=critics_on,
        )
        self.run: RunDir = new_run(tmp / "runs", self.settings)
        llm = LLM(fake, cache=ResponseCache(self.run.cache_path))
        self.services = offline_services(self.settings, self.run, llm)
        self.plan = story_plan(story)
        for node in self.plan.iter_nodes():
            if node["status"] == "done":
                node["inputs_hash"] = self.plan.compute_inputs_hash(node["id"], None)

    def go(self, plan: Plan | None = None, gate: Any = None) -> critics.CritiqueReport:
        plan = plan or self.plan
        events = EventLog(self.run.events_path, self.run.id)
        outcome = Scheduler(plan, JOBS, events, services=self.services, gate=gate).run()
        assert not outcome.failed, [plan.node(n)["error"] for n in outcome.failed]
        return critics.CritiqueReport.model_validate(plan.payload(CRITIQUE))

    def events(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in read_events(self.run.events_path) if e["type"] == kind]


@pytest.mark.parametrize(
    "kind",
    [
        "absent_actor",
        "status_contradiction",
        "wrong_place",
        "time_mismatch",
        "thin_scene",
        "near_duplicate",
        "secret_early",
    ],
)
def test_a_word_defect_is_sent_back_and_fixed(kind: str, tmp_path: Path) -> None:
    clean = clean_story_en()
    broken, node = plant_defect(clean, kind, seed=0, surface="words")
    fake = ScriptedModel(responder=mend_from(_scene(clean, node)))
    loop = Loop(tmp_path, broken, fake)
    report = loop.go()
    first = [i for i in report.rounds[0].issues if i.kind == kind and i.node == node]
    assert first, f"round 1 did not find the planted {kind}"
    assert report.round == 2 and [r.round for r in report.rounds] == [1, 2]
    assert report.final_issues == [], "the revised scene passes every check"
    record = next(r for r in report.record if r.issue.kind == kind)
    assert (record.status, record.found, record.closed) == ("fixed", 1, 2)
    assert report.repair == {}
    revised = Scene.model_validate(loop.plan.payload(node))
    assert revised.action == _scene(clean, node).action and revised.revision == 1
    assert revised.ledger.present == _scene(clean, node).ledger.present, "ledger from the plan"
    revision = loop.events("revision")
    assert [r["target"] for r in revision] == [node]
    assert revision[0]["before"] != revision[0]["after"]
    assert revision[0]["method"] == "mend", "the writer mends the piece the check points at"
    assert fake.calls_for("SceneDraft") == 0, "no whole-scene rewrite"
    if kind == "near_duplicate":
        cuts = [e for e in loop.events("tool_call") if e["tool"] == "mend:cut_repeat"]
        assert cuts and not fake.calls, "a repeat is cut in code: no model call"
    else:
        prompt = "\n".join(m.content for m in fake.calls[0][0])
        assert first[0].evidence in prompt, "the failing check is in the revision prompt"
    assert len(loop.events("critique")) == 2


def test_rounds_are_bounded_and_each_repair_is_a_fresh_request(tmp_path: Path) -> None:
    clean = clean_story_en()
    # the action sets the scene in the wrong place, and the writer keeps giving it back
    broken, node = plant_defect(clean, "wrong_place", seed=0, surface="words")
    fake = ScriptedModel(responder=mend_from(_scene(clean, node), stuck=_scene(broken, node)))
    loop = Loop(tmp_path, broken, fake, rounds=2)
    report = loop.go()
    assert [r.round for r in report.rounds] == [1, 2, 3]
    fixes = [c for c in fake.calls if c[1] == "ActionFix"]
    # each of the two rounds asks afresh (a new seed, not a cache hit)
    assert len(fixes) >= 2, "the same repair twice is not a cache hit"
    left = [r for r in report.record if r.status == "left"]
    assert left and all("2 repair round" in r.why for r in left)
    assert report.final_issues and report.repair == {}


def test_issues_in_the_plan_are_left_with_the_reason(tmp_path: Path) -> None:
    broken, _ = plant_defect(clean_story_en(), "missing_hook", seed=0)
    loop = Loop(tmp_path, broken, ScriptedModel(), rounds=2)
    report = loop.go()
    assert report.round == 1, "nothing a scene rewrite can fix: no repair round"
    rec = next(r for r in report.record if r.issue.kind == "missing_hook")
    assert rec.status == "left" and "plan" in rec.why


def test_resume_in_the_middle_of_a_repair_continues_the_round(tmp_path: Path) -> None:
    clean = clean_story_en()
    broken, node = plant_defect(clean, "wrong_place", seed=0, surface="words")
    fake = ScriptedModel(responder=mend_from(_scene(clean, node)))
    loop = Loop(tmp_path, broken, fake)

    def stop_after_round_one(plan: Plan) -> str | None:
        payload = plan.payload(CRITIQUE)
        return "killed" if payload and payload.get("round") == 1 else None

    loop.go(gate=stop_after_round_one)
    saved = loop.plan.to_json()
    assert loop.plan.node(node)["status"] == "stale" and loop.plan.node(node)["notes"]["round"] == 1
    assert fake.calls_for("ActionFix") == 0, "stopped before the rewrite"
    resumed = Plan.from_json(saved)
    report = loop.go(resumed)
    assert [r.round for r in report.rounds] == [1, 2]
    assert report.final_issues == []
    assert fake.calls_for("ActionFix") == 1
    again = loop.go(resumed)
    assert again.round == 2 and fake.calls_for("ActionFix") == 1, "a finished loop stays done"


def _critique_once(tmp_path: Path, story: StoryView, fake: ScriptedModel) -> critics.CritiqueReport:
    loop = Loop(tmp_path, story, fake, rounds=0, critics_on=True)
    ctx = NodeContext(
        CRITIQUE,
        loop.plan,
        threading.RLock(),
        EventLog(loop.run.events_path, loop.run.id),
        "critics",
        loop.services,
    )
    report = critics.critique(ctx)
    loop.critique_events = loop.events("critique")  # type: ignore[attr-defined]
    return report


def test_a_closed_question_counts_only_with_a_real_quote_that_shows_the_claim(
    tmp_path: Path,
) -> None:
    story = clean_story_en()
    scene = _scene(story, "scene:1.2")
    hour = next(e.outline for e in story.episodes if "scene:1.2" in e.scenes).scenes[1].hour
    word = "noon" if hour < 6 or hour > 18 else "midnight"
    planted = f"It is {word} and the boats are gone."
    scene.lines[0].text = planted
    real = scene.lines[1]
    fake = ScriptedModel(name="openai:small-test")
    fake.add("CriticReport", *[{"issues": []}] * 4)  # the open critics find nothing
    # a real contradiction, shown by its quote: kept
    fake.add(
        "PlanVerdict",
        {"answer": "yes", "quote": f"{scene.lines[0].speaker}: {planted}", "fact": "another time"},
        node="scene:1.2",
    )
    # a real quote and a made-up claim (the speaker is planned in the scene): dropped
    fake.add(
        "PlanVerdict",
        {"answer": "yes", "quote": f"{real.speaker}: {real.text}", "fact": "someone not here"},
        node="scene:1.1",
    )
    # words that are not in the scene: dropped
    fake.add(
        "PlanVerdict",
        {"answer": "yes", "quote": "words nowhere in it", "fact": "another place"},
        node="scene:1.3",
    )
    fake.add("PlanVerdict", *[{"answer": "no"}] * 4)
    report = _critique_once(tmp_path, story, fake)
    kept = [i for i in report.final_issues if i.source == "critic"]
    assert [(i.node, i.kind, i.evidence) for i in kept] == [
        ("scene:1.2", "plan_contradiction", f"{scene.lines[0].speaker}: {planted}")
    ]
    assert "another time of day" in kept[0].fix
    assert report.dropped_ungrounded == 2


def test_a_critic_with_zero_measured_recall_is_not_called(tmp_path: Path) -> None:
    fake = ScriptedModel(name="local:tiny-test")  # nothing scripted: a call would fail
    report = _critique_once(tmp_path, clean_story_en(), fake)
    assert set(report.skipped_critics) == {"continuity", "emotion", "plan_questions"}
    assert "recall 0%" in report.skipped_critics["continuity"]
    assert fake.calls_for("CriticReport") == 0 and fake.calls_for("PlanVerdict") == 0


def test_open_critics_run_on_other_backends(tmp_path: Path) -> None:
    fake = ScriptedModel(name="openai:capable-model")
    fake.add("PlanVerdict", *[{"answer": "no"}] * 6)
    fake.add("CriticReport", *[{"issues": []}] * 4)
    report = _critique_once(tmp_path, clean_story_en(), fake)
    assert report.skipped_critics == {} and fake.calls_for("CriticReport") == 4


def test_critics_and_writer_do_not_import_each_other() -> None:
    import reelwright.agents as agents

    root = Path(agents.__file__).parent
    for name, other in (("critics", "writer"), ("writer", "critics")):
        tree = ast.parse((root / f"{name}.py").read_text(encoding="utf-8"))
        imported = {
            (node.module or "") + "." + alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        assert not any(other in part for part in imported), f"{name} imports {other}"


def test_the_pipeline_sends_a_scene_back_before_the_scripts_gate(tmp_path: Path) -> None:
    """Through the real recipe: the critique's expand hook, the scene job, the review gate."""
    from fake_story import scene_draft, story_script

    from reelwright import pipeline
    from reelwright.recipe import DRAMA

    script = story_script(episodes=1, lang="en")
    clean = scene_draft("en", 1, 1)["action"]
    fake = ScriptedModel(
        responder=lambda _m, schema: {"action": clean} if schema.__name__ == "ActionFix" else None
    )
    for key, replies in script["replies"].items():
        schema, _, node = key.partition("@")
        fake.add(schema, *replies, node=node or None)
    bad = scene_draft("en", 1, 1)
    bad["action"] = "At midnight, " + bad["action"][0].lower() + bad["action"][1:]
    fake.by_key["SceneDraft@scene:1.1"].clear()
    fake.add("SceneDraft", bad, node="scene:1.1")
    settings = RunSettings(
        premise="A young fisherman", episodes=1, episode_seconds=45, llm="fake:x", review=True
    )
    run = pipeline.start(settings, tmp_path, DRAMA)
    gate = None
    for _ in range(3):
        outcome = pipeline.execute(run, settings, DRAMA, backend=fake)
        gate = outcome.gate
        if gate in (None, "scripts") or outcome.failed:
            break
    assert gate == "scripts" and not outcome.failed
    plan = run.load_plan()
    report = critics.CritiqueReport.model_validate(plan.payload(CRITIQUE))
    assert [r.round for r in report.rounds] == [1, 2]
    assert report.rounds[0].by_kind == {"time_mismatch": 1}
    assert report.final_issues == [] and plan.payload("scene:1.1")["revision"] == 1
    assert "At midnight" not in plan.payload("scene:1.1")["action"]
    assert fake.calls_for("SceneDraft") == 3 and fake.calls_for("ActionFix") == 1
