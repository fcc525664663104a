"""The critique node: check the words against the plan, and say which scenes go back.

The node only checks. Code checks run first; then closed questions built from the
plan, one scene at a time, kept only when the quoted words are in the scene; open
critics only on backends where they have measured recall. The node's payload names
the scenes to revise and why (`repair`); the recipe stores those notes on the scene
nodes and makes them stale, the writer revises, and this node runs again, reading its
own previous payload to number the round and to say per issue: found, fixed or left.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError

from reelwright import ids
from reelwright.context import AgentContext
from reelwright.prompts import fragment

from .checks import run_checks
from .checks.claims import Claim, claim_holds
from .common import ask, bible_of, characters_brief
from .craft import load
from .plan_text import facts
from .schemas import CriticKind, EpisodeView, Issue, Outline, Scene, StoryView
from .story_plan import state_at

T = TypeVar("T")

# The open critics; each one's focus is a prompt fragment, prompts/critic_focus_NAME.txt.
CRITICS = ("continuity", "emotion")
CLOSED = "plan_questions"
# Kinds a rewrite of the scene's words can fix; the rest live in the plan or ledger.
WORD_KINDS = frozenset(
    "absent_actor unknown_name sentiment_mismatch near_duplicate wrong_language "
    "status_contradiction secret_early wrong_place time_mismatch relation_mismatch "
    "emotion_off_plan thin_scene plan_contradiction motivation tone character_voice "
    "plot_hole emotion_unbelievable".split()
)


class CriticIssue(BaseModel):
    scene: str = Field(description="Scene id such as scene:1.2")
    kind: CriticKind
    severity: Literal["low", "medium", "high"]
    evidence: str = Field(description="Short quote copied exactly from the script")
    fix: str


class CriticReport(BaseModel):
    issues: list[CriticIssue] = Field(default_factory=list, max_length=6)


# What a rewrite is told the claim meant.
PLAN_FACT = {
    "": "see the plan",
    "someone not here": "someone acts or speaks who is not in the scene",
    "someone dead": "someone acts or speaks who is dead",
    "another place": "the words set the scene somewhere else",
    "another time": "the words set another time of day",
    "a feeling the other way": "the line's feeling runs against the planned one",
}


class PlanVerdict(BaseModel):
    """A closed question's answer: yes or no, and the words that break the plan."""

    answer: Literal["yes", "no"]
    quote: str = Field(default="", description="The exact words from the scene, copied")
    fact: Claim = Field(default="", description="Which plan fact they break")


class RoundReport(BaseModel):
    round: int
    found: int
    fixed: int
    remaining: int
    by_kind: dict[str, int]
    by_source: dict[str, int]
    dropped_ungrounded: int
    issues: list[Issue]


class IssueRecord(BaseModel):
    """One issue's life across rounds."""

    issue: Issue
    found: int = Field(description="The round it was first found in")
    status: Literal["open", "fixed", "left"] = "open"
    closed: int | None = None
    why: str = ""


class CritiqueReport(BaseModel):
    rounds: list[RoundReport]
    final_issues: list[Issue]
    dropped_ungrounded: int
    round: int = 1
    rounds_allowed: int = 0
    repair: dict[str, list[Issue]] = Field(default_factory=dict)
    record: list[IssueRecord] = Field(default_factory=list)
    skipped_critics: dict[str, str] = Field(default_factory=dict)


def story_view(ctx: AgentContext) -> StoryView:
    episodes = []
    for ep_id in ctx.ids("episode"):
        number = ids.parse(ep_id).episode
        outline = Outline.model_validate(ctx.payload(ep_id))
        scenes = {
            sid: Scene.model_validate(ctx.payload(sid))
            for sid in ctx.ids("scene")
            if ids.episode_of(sid) == number and ctx.payload(sid) is not None
        }
        episodes.append(EpisodeView(number=number, outline=outline, scenes=scenes))
    settings = ctx.services.settings
    return StoryView(
        lang=settings.lang,
        bible=bible_of(ctx),
        episodes=episodes,
        episode_seconds=settings.episode_seconds,
    )


def measured_recall(model: str) -> dict[str, float]:
    """Each critic's recall on planted defects, as measured for this backend (bench_critic)."""
    table: dict[str, Any] = load("critic_recall")["backends"]
    return dict(table.get(model) or table.get(model.partition(":")[0]) or {})


def critics_to_call(ctx: AgentContext) -> tuple[list[str], dict[str, str]]:
    """The critics worth calling on this backend, and why the others are skipped."""
    if not ctx.services.settings.model_critics:
        return [], {c: "model critics are off for this run" for c in [*CRITICS, CLOSED]}
    recall = measured_recall(ctx.services.llm.model)
    call, skipped = [], {}
    for critic in [CLOSED, *CRITICS]:
        if critic in recall and recall[critic] <= 0:
            skipped[critic] = f"measured recall 0% on {ctx.services.llm.model} (bench_critic)"
        else:
            call.append(critic)
    return call, skipped


def previous_report(ctx: AgentContext) -> CritiqueReport | None:
    """This node's last payload when it asked for repairs: the loop continues from it."""
    payload = ctx.payload(ctx.node_id)
    if not payload:
        return None
    try:
        report = CritiqueReport.model_validate(payload)
    except ValidationError:
        return None
    return report if report.repair else None


def critique(ctx: AgentContext) -> CritiqueReport:
    allowed = ctx.services.settings.critique_rounds
    before = previous_report(ctx)
    round_no = before.round + 1 if before else 1
    story = story_view(ctx)
    issues = run_checks(story)
    calling, skipped = critics_to_call(ctx)
    dropped = 0
    open_critics = [c for c in calling if c in CRITICS]
    asks: list[Callable[[], tuple[list[Issue], int]]] = []
    if CLOSED in calling:
        asks.append(partial(plan_questions, ctx, story))
    if open_critics:
        asks.append(partial(model_critique, ctx, story, open_critics))
    for found, lost in together(asks):  # closed and open critics in one round
        issues += found
        dropped += lost
    total_dropped = dropped + (before.dropped_ungrounded if before else 0)
    record = track(before.record if before else [], issues, round_no)
    repair = repairs(issues, story) if round_no <= allowed else {}
    if not repair:
        close_out(record, round_no, allowed)
    fixed = sum(1 for r in record if r.status == "fixed" and r.closed == round_no)
    rounds = (before.rounds if before else []) + [round_report(round_no, issues, fixed, dropped)]
    report = CritiqueReport(
        rounds=rounds,
        final_issues=issues,
        dropped_ungrounded=total_dropped,
        round=round_no,
        rounds_allowed=allowed,
        repair=repair,
        record=record,
        skipped_critics=skipped,
    )
    ctx.emit(
        "critique",
        **rounds[-1].model_dump(mode="json"),
        sent_back=sorted(repair),
        skipped_critics=skipped,
    )
    return report


def track(record: list[IssueRecord], issues: list[Issue], round_no: int) -> list[IssueRecord]:
    """Carry each issue's record forward: still there (open), gone (fixed), or new.

    A rewrite changes the quote of a problem it did not fix, so an open issue still
    matches a new one of the same scene and kind: it stays open with the new evidence.
    """
    unmatched = list(issues)
    out: list[IssueRecord] = []
    for rec in record:
        if rec.status != "open":
            out.append(rec)
            continue
        same = next((i for i in unmatched if _key(i) == _key(rec.issue)), None)
        same = same or next(
            (i for i in unmatched if (i.node, i.kind) == (rec.issue.node, rec.issue.kind)), None
        )
        if same is None:
            out.append(rec.model_copy(update={"status": "fixed", "closed": round_no}))
        else:
            unmatched.remove(same)
            out.append(rec.model_copy(update={"issue": same}))
    out += [IssueRecord(issue=i, found=round_no) for i in unmatched]
    return out


def close_out(record: list[IssueRecord], round_no: int, allowed: int) -> None:
    """The loop ends: every open issue is left, with the reason."""
    for rec in record:
        if rec.status != "open":
            continue
        rec.status, rec.closed = "left", round_no
        if rec.issue.kind not in WORD_KINDS or not rec.issue.node.startswith("scene:"):
            rec.why = "in the plan or ledger: rewriting a scene's words cannot change it"
        elif allowed == 0:
            rec.why = "critique rounds are set to 0"
        else:
            rec.why = f"still there after {allowed} repair round(s)"


def repairs(issues: list[Issue], story: StoryView) -> dict[str, list[Issue]]:
    """The scenes to send back: each with its own failing checks that words can fix."""
    scenes = {sid for e in story.episodes for sid in e.scenes}
    out: dict[str, list[Issue]] = {}
    for issue in issues:
        if issue.node in scenes and issue.kind in WORD_KINDS:
            out.setdefault(issue.node, []).append(issue)
    return out


def together(asks: list[Callable[[], T]]) -> list[T]:
    """Independent model calls at once, answers in order: one round, not one per call.

    The client's own limit still applies (the embedded model answers one at a time).
    """
    if len(asks) <= 1:
        return [a() for a in asks]
    with ThreadPoolExecutor(max_workers=min(8, len(asks))) as pool:
        return [f.result() for f in [pool.submit(a) for a in asks]]


def plan_questions(ctx: AgentContext, story: StoryView) -> tuple[list[Issue], int]:
    """One closed question per scene, built from the plan; a 'yes' counts only with a real quote."""
    outlines = [e.outline for e in sorted(story.episodes, key=lambda e: e.number)]
    asked = []
    for episode in story.episodes:
        for sid, scene in episode.scenes.items():
            sc = ids.parse(sid).scene
            if sc > len(episode.outline.scenes):
                continue
            beat = episode.outline.scenes[sc - 1]
            state = state_at(outlines, episode.number, sc, story.bible)
            asked.append((sid, scene, beat, state))
    verdicts = together(
        [
            partial(ask, ctx, "critic_closed", PlanVerdict, max_tokens=160, tag=sid,
                    facts="\n".join(facts(beat, state, story.lang)), scene=words_of(scene))
            for sid, scene, beat, state in asked
        ]
    )  # fmt: skip
    kept: list[Issue] = []
    dropped = 0
    for (sid, scene, beat, state), verdict in zip(asked, verdicts, strict=True):
        if verdict.answer != "yes":
            continue
        quote = verdict.quote.strip().strip("\"'“”「」")
        if not grounded(verdict.quote, words_of(scene)) or len(verdict.quote.strip()) < 4:
            dropped += 1
            continue
        if not claim_holds(verdict.fact, quote, beat, state, story.bible):
            dropped += 1  # the quote is real but does not show what the claim says
            continue
        fix = f"Per the plan ({PLAN_FACT[verdict.fact]}), rewrite these words."
        kept.append(
            Issue(
                node=sid,
                kind="plan_contradiction",
                severity="medium",
                evidence=quote,
                fix=fix,
                source="critic",
            )
        )
    return kept, dropped


def model_critique(
    ctx: AgentContext, story: StoryView, critics: list[str]
) -> tuple[list[Issue], int]:
    """Open critics over each episode; issues that quote nothing real are dropped."""
    asked = [(episode, critic) for episode in story.episodes for critic in critics]
    reports = together(
        [
            partial(ask, ctx, "critic", CriticReport, max_tokens=700, critic=critic,
                    focus=fragment(f"critic_focus_{critic}"),
                    characters=characters_brief(story.bible), episode=episode.number,
                    hook=episode.outline.hook, cliffhanger=episode.outline.cliffhanger,
                    script=episode_script(episode))
            for episode, critic in asked
        ]
    )  # fmt: skip
    kept: list[Issue] = []
    dropped = 0
    for (episode, _), report in zip(asked, reports, strict=True):
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


def words_of(scene: Scene) -> str:
    """The words a closed question reads: the action and the numbered lines."""
    lines = "\n".join(f"{line.speaker}: {line.text}" for line in scene.lines)
    return f"{scene.action}\n{lines}"


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


def round_report(round_no: int, issues: list[Issue], fixed: int, dropped: int) -> RoundReport:
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


def _key(issue: Issue) -> tuple[str, str, str]:
    return (issue.node, issue.kind, normalise(issue.evidence))
