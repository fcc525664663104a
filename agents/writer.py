"""The writer: premise to bible, bible to a checked story plan, plan beat to a scene's words.

The outline is the contract: code picks the episode's craft pattern, the model fills
it in compact form, and code repairs the plan before any scene is written. The scene
writer writes only action and dialogue; the ledger comes from the plan. When the
critique loop sends a scene back (notes on its plan node), the same job revises it
with the failing checks in the prompt and a fresh seed for the round.
"""

from __future__ import annotations

from typing import Any

from reelwright import ids
from reelwright.context import AgentContext

from .bible_rules import relations_brief, repair_bible
from .checks.text import Names
from .common import ask, bible_of, characters_brief, has_cjk, language_problems, language_rule
from .coverage import lines_wanted
from .craft import pick_craft
from .mend import mend
from .plan_text import characters_here, clock, facts
from .scene_draft import draft_problems, resolve, script_text, to_scene
from .schemas import Bible, Issue, Outline, OutlineDraft, Scene, SceneDraft, counted, spoken_by
from .season import season_of, so_far, stretch
from .story_plan import build_outline, ledger_for, state_at, state_before


def scene_count(episode_seconds: float) -> int:
    """3 to 6 scenes an episode, about one per 30 seconds."""
    return max(3, min(6, round(episode_seconds / 30)))


def write_bible(ctx: AgentContext) -> Bible:
    s = ctx.services.settings

    def check(bible: Bible) -> list[str]:
        names = [c.name for c in bible.characters]
        problems = [] if len(set(names)) == len(names) else ["character names must differ"]
        texts = [bible.title, bible.logline, *names, *(c.want for c in bible.characters)]
        return problems + language_problems(texts, s.lang, "the bible")

    bible = ask(
        ctx,
        "writer_bible",
        Bible,
        check=check,
        max_tokens=1100,
        premise=s.premise,
        episodes=s.episodes,
        language_rule=language_rule(s.lang),
    )
    bible, notes = repair_bible(bible, s.premise)
    _log_repairs(ctx, "repair_bible", notes)
    return bible


def _log_repairs(ctx: AgentContext, tool: str, notes: list[str]) -> None:
    if notes:
        ctx.emit("tool_call", tool=tool, args={}, seconds=0, result="; ".join(notes)[:2000])


def earlier_outlines(ctx: AgentContext, episode: int) -> list[Outline]:
    """The plans of the episodes before this one (each episode waits for the one before)."""
    out = []
    for ep in range(1, episode):
        payload = ctx.payload(ids.episode(ep)) if ids.episode(ep) in ctx.ids("episode") else None
        if payload is not None:
            out.append(Outline.model_validate(payload))
    return out


def write_outline(ctx: AgentContext) -> Outline:
    s = ctx.services.settings
    bible = bible_of(ctx)
    number = ids.parse(ctx.node_id).episode
    wanted = scene_count(s.episode_seconds)
    locations = [loc.name for loc in bible.locations]
    names = Names(bible)
    craft = pick_craft(s.lang, number, s.episodes, wanted, s.seed)
    earlier = earlier_outlines(ctx, number)
    before = state_before(earlier, bible)
    if number == 1:
        position = "This is the first episode: open the story fast."
    elif number == s.episodes:
        position = "This is the last episode: pay off the arc, but still end on a charged moment."
    else:
        position = "Pick up right after the previous episode's cliffhanger."

    def check(draft: OutlineDraft) -> list[str]:
        problems = []
        if len(draft.scenes) != wanted:
            problems.append(f"write exactly {wanted} scenes, not {len(draft.scenes)}")
        for i, beat in enumerate(draft.scenes, 1):
            unknown = [n for n in beat.characters if resolve(names, n) is None]
            if unknown and len(unknown) == len(beat.characters):
                problems.append(f"scenes.{i}: unknown characters {unknown}; use {names.full}")
        if not draft.hook.strip() or not draft.cliffhanger.strip():
            problems.append("the hook and the cliffhanger must not be empty")
        texts = [draft.hook, draft.cliffhanger, *(b.beat for b in draft.scenes)]
        return problems + language_problems(texts, s.lang, "the outline")

    draft = ask(
        ctx,
        "writer_outline",
        counted(OutlineDraft, "scenes", wanted, wanted),
        check=check,
        fresh_tries=2,
        keep_near_miss=True,
        max_tokens=1500,
        title=bible.title,
        logline=bible.logline,
        tone=bible.tone,
        characters=characters_brief(bible),
        relations=relations_brief(bible),
        locations=", ".join(locations),
        arc=bible.arc,
        so_far=so_far(earlier, before, clock(max(0, before.hour), s.lang)),
        stretch=stretch(season_of(ctx), number, s.episodes),
        episode=number,
        episodes=s.episodes,
        seconds=int(s.episode_seconds),
        position=position,
        scenes=wanted,
        pattern=craft.pattern_name,
        steps="\n".join(f"{i}. {step}" for i, step in enumerate(craft.steps, 1)),
        hook_kind=craft.hook,
        cliffhanger_kind=craft.cliffhanger,
        language_rule=language_rule(s.lang),
    )
    draft.scenes = draft.scenes[:wanted] or draft.scenes
    outline, notes = build_outline(draft, bible, craft, earlier, locations, nearest_location)
    _log_repairs(ctx, "repair_outline", notes)
    return outline


def nearest_location(name: str, locations: list[str]) -> str:
    """A beat's place as one of the bible's: 'the sea' is 'Sea'; a new place is the first.

    Every shot of a location shares its look, so a scene may not invent a location.
    """
    if name in locations:
        return name
    words = set(name.lower().replace("'", " ").split())

    def score(i_loc: tuple[int, str]) -> tuple[int, int, int]:
        i, loc = i_loc
        shared_words = len(words & set(loc.lower().replace("'", " ").split()))
        shared_cjk = len({ch for ch in name if has_cjk(ch)} & set(loc))
        return shared_words, shared_cjk, -i

    return max(enumerate(locations), key=score)[1]


def repair_notes(ctx: AgentContext) -> dict[str, Any] | None:
    """The critique loop's notes on this scene, when they are about its current version."""
    with ctx.lock:
        node = ctx.plan.node(ctx.node_id)
        notes = node.get("notes")
        if notes and node["payload"] is not None and notes.get("version") == node["version"]:
            return dict(notes)
    return None


def write_scene(ctx: AgentContext) -> Scene:
    """Write the scene's words from its plan, or revise them when the critique sent notes."""
    s = ctx.services.settings
    bible = bible_of(ctx)
    ref = ids.parse(ctx.node_id)
    ep, sc = ref.episode, ref.scene
    outlines = earlier_outlines(ctx, ep) + [Outline.model_validate(ctx.payload(ids.episode(ep)))]
    outline = outlines[-1]
    beat = outline.scenes[sc - 1]
    before = state_at(outlines, ep, sc, bible)
    ledger = ledger_for(outlines, ep, sc, bible)
    budget = s.episode_seconds / len(outline.scenes)
    want = lines_wanted(budget)
    common: dict[str, Any] = {
        "characters": characters_here(bible, beat, before.revealed),
        "relations": relations_brief(bible),
        "facts": "\n".join(facts(beat, before, s.lang)),
        "lines_wanted": want,
        "speakers": ", ".join(beat.characters),
        "language_rule": language_rule(s.lang),
    }
    notes = repair_notes(ctx)

    # A short reply is not asked again whole: the critique's length check grows the
    # scene by the lines it lacks, one cheap call (only a scene of a line or two is).
    def check(draft: SceneDraft) -> list[str]:
        return draft_problems(draft, bible, beat, s.lang, min_lines=max(2, round(0.3 * want)))

    # The embedded model's grammar writes at least `want` lines (it stopped at two when
    # only asked) and names only the characters the plan puts here.
    reply_schema = counted(
        SceneDraft, "lines", want, min(16, want + 2), spoken_by(tuple(beat.characters))
    )

    if notes is not None:
        current = Scene.model_validate(ctx.payload(ctx.node_id))
        issues = [Issue.model_validate(i) for i in notes.get("issues", [])]
        round_no = int(notes.get("round", 1))
        method = "mend"  # piece by piece where every issue points at a piece (agents/mend.py)
        draft = mend(
            ctx, current, issues, beat=beat, names=Names(bible), lang=s.lang, budget=budget,
            round_no=round_no, common=common,
        )  # fmt: skip
        if draft is None:
            method = "rewrite"
            draft = ask(
                ctx,
                "writer_revise",
                reply_schema,
                check=check,
                keep_near_miss=True,
                max_tokens=1300,
                seed_offset=100 * int(notes.get("round", 1)),
                scene=script_text(current),
                issues="\n".join(f'- [{i.kind}] "{i.evidence}": {i.fix}' for i in issues),
                **common,
            )
        revised = to_scene(draft, beat, ledger, bible)
        revised.revision = round_no
        ctx.emit(
            "revision",
            round=round_no,
            method=method,
            target=ctx.node_id,
            before=script_text(current),
            after=script_text(revised),
            issues=[i.model_dump(mode="json") for i in issues],
        )
        return revised
    extra = []
    if sc == 1:
        extra.append(f"Open on the hook in the very first line: {outline.hook}")
    if sc == len(outline.scenes):
        extra.append(f"End on the cliffhanger: {outline.cliffhanger}")
    prev = outline.scenes[sc - 2].beat if sc > 1 else "(this is the episode's first scene)"
    nxt = outline.scenes[sc].beat if sc < len(outline.scenes) else "(this is the last scene)"
    draft = ask(
        ctx,
        "writer_scene",
        reply_schema,
        check=check,
        fresh_tries=2,
        keep_near_miss=True,
        max_tokens=1300,
        title=bible.title,
        tone=bible.tone,
        scene_no=sc,
        scene_count=len(outline.scenes),
        beat=beat.beat,
        turn=beat.turn or "(none)",
        step=beat.step or "(free)",
        previous=prev,
        next=nxt,
        extra="\n".join(extra),
        **common,
    )
    return to_scene(draft, beat, ledger, bible)
