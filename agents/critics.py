"""The critique loop: code checks and model critics, then the writer revises.

Rounds are bounded; every critique and revision is an event with before and
after text. A critic issue whose quote is not in the script is dropped and
counted, so critics cannot invent problems.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Literal

from pydantic import BaseModel, Field

from reelwright.context import AgentContext

from .checks import run_checks
from .common import ask, bible_of, characters_brief
from .schemas import CriticKind, EpisodeView, Issue, Outline, Scene, StoryView
from .writer import revise_scene

CRITICS = {
    "continuity": "Check plot continuity: motivation, who knows what, who is where, who holds "
    "what, in-story time, and whether each character sounds like themself.",
    "emotion": "Check emotional continuity: each character's feelings must change believably "
    "from scene to scene, with a cause on screen; flag unmotivated melodrama and emotion "
    "labels that contradict the words.",
}


class CriticIssue(BaseModel):
    scene: str = Field(description="Scene id such as scene:1.2")
    kind: CriticKind
    severity: Literal["low", "medium", "high"]
    evidence: str = Field(description="Short quote copied exactly from the script")
    fix: str


class CriticReport(BaseModel):
    issues: list[CriticIssue] = Field(default_factory=list, max_length=6)


class RoundReport(BaseModel):
    round: int
    found: int
    fixed: int
    remaining: int
    by_kind: dict[str, int]
    by_source: dict[str, int]
    dropped_ungrounded: int
    issues: list[Issue]


class CritiqueReport(BaseModel):
    rounds: list[RoundReport]
    final_issues: list[Issue]
    dropped_ungrounded: int


def story_view(ctx: AgentContext) -> StoryView:
    episodes = []
    for ep_id in ctx.ids("episode"):
        number = int(ep_id.split(":")[1])
        outline = Outline.model_validate(ctx.payload(ep_id))
        scenes = {
            sid: Scene.model_validate(ctx.payload(sid))
            for sid in ctx.ids("scene")
            if sid.startswith(f"scene:{number}.")
        }
        episodes.append(EpisodeView(number=number, outline=outline, scenes=scenes))
    settings = ctx.services.settings
    return StoryView(lang=settings.lang, bible=bible_of(ctx), episodes=episodes)


def critique(ctx: AgentContext) -> CritiqueReport:
    rounds_allowed = ctx.services.settings.critique_rounds
    rounds: list[RoundReport] = []
    previous: list[Issue] = []
    total_dropped = 0
    for round_no in range(1, rounds_allowed + 2):
        story = story_view(ctx)
        issues = run_checks(story)
        dropped = 0
        critic_issues, dropped = model_critique(ctx, story)
        issues += critic_issues
        total_dropped += dropped
        report = round_report(round_no, issues, previous, dropped)
        rounds.append(report)
        ctx.emit("critique", **report.model_dump(mode="json"))
        if not issues or round_no > rounds_allowed:
            break
        if previous and _keys(issues) == _keys(previous):
            break  # a stall: the same issues twice, revising again would not help
        previous = issues
        for scene_id, scene_issues in issues_by_scene(issues, story).items():
            before = json.dumps(ctx.payload(scene_id), ensure_ascii=False, indent=1)
            revised = revise_scene(ctx, scene_id, scene_issues)
            ctx.set_payload(scene_id, revised.model_dump(mode="json"))
            after = json.dumps(ctx.payload(scene_id), ensure_ascii=False, indent=1)
            ctx.emit(
                "revision",
                round=round_no,
                target=scene_id,
                before=before,
                after=after,
                issues=[i.model_dump(mode="json") for i in scene_issues],
            )
    return CritiqueReport(
        rounds=rounds, final_issues=rounds[-1].issues, dropped_ungrounded=total_dropped
    )


def model_critique(ctx: AgentContext, story: StoryView) -> tuple[list[Issue], int]:
    """Both critics over each episode; issues that quote nothing real are dropped."""
    kept: list[Issue] = []
    dropped = 0
    for episode in story.episodes:
        script = episode_script(episode)
        for critic, focus in CRITICS.items():
            report = ask(
                ctx,
                "critic",
                CriticReport,
                max_tokens=700,
                critic=critic,
                focus=focus,
                characters=characters_brief(story.bible),
                episode=episode.number,
                hook=episode.outline.hook,
                cliffhanger=episode.outline.cliffhanger,
                script=script,
            )
            for item in report.issues:
                scene = episode.scenes.get(item.scene)
                if scene is None or not grounded(item.evidence, scene_text(scene)):
                    dropped += 1
                    continue
                kept.append(
                    Issue(
                        node=item.scene,
                        kind=item.kind,
                        severity=item.severity,
                        evidence=item.evidence,
                        fix=item.fix,
                        source="critic",
                    )
                )
    return kept, dropped


def episode_script(episode: EpisodeView) -> str:
    parts = []
    for sid, scene in episode.scenes.items():
        lines = "\n".join(f"{line.speaker}: {line.text} [{line.emotion}]" for line in scene.lines)
        parts.append(f"## {sid}: {scene.heading}\n{scene.action}\n{lines}")
    return "\n\n".join(parts)


def scene_text(scene: Scene) -> str:
    """Everything a quote may come from: the script and the ledger."""
    lines = " ".join(f"{line.speaker}: {line.text} {line.parenthetical}" for line in scene.lines)
    return f"{scene.heading} {scene.action} {lines} {scene.cause} " + json.dumps(
        scene.ledger.model_dump(), ensure_ascii=False
    )


def normalise(text: str) -> str:
    return " ".join(text.split())


def grounded(quote: str, artifact: str) -> bool:
    quote = normalise(quote).strip(" \"'“”「」")
    return bool(quote) and quote in normalise(artifact)


def issues_by_scene(issues: list[Issue], story: StoryView) -> dict[str, list[Issue]]:
    """Send each issue to the scene that can fix it; episode issues go to its first or last."""
    out: dict[str, list[Issue]] = {}
    for issue in issues:
        target = issue.node
        if issue.node.startswith("episode:"):
            number = int(issue.node.split(":")[1])
            episode = next((e for e in story.episodes if e.number == number), None)
            if episode is None or not episode.scenes:
                continue
            ids = list(episode.scenes)
            target = ids[0] if issue.kind == "missing_hook" else ids[-1]
        if target.startswith("scene:"):
            out.setdefault(target, []).append(issue)
    return out


def round_report(
    round_no: int, issues: list[Issue], previous: list[Issue], dropped: int
) -> RoundReport:
    now = _keys(issues)
    fixed = sum(1 for key in _keys(previous) if key not in now)
    return RoundReport(
        round=round_no,
        found=len(issues),
        fixed=fixed,
        remaining=len(issues),
        by_kind=dict(Counter(i.kind for i in issues)),
        by_source=dict(Counter(i.source for i in issues)),
        dropped_ungrounded=dropped,
        issues=issues,
    )


def _keys(issues: list[Issue]) -> set[tuple[str, str, str]]:
    return {(i.node, i.kind, normalise(i.evidence)) for i in issues}
