"""The drama recipe: how a premise becomes episodes. The one module that knows the drama.

Read it top to bottom to see the whole production. The graph starts as one node,
`series`; each finished node adds the nodes its artifact implies:

    series (the bible, writer)
      -> character:* (reference sheets, cinematographer), location:* (writer)
      -> season (a series of 10 episodes or more: the arc in parts of about ten
         episodes, each with a goal and a turn; every outline sees its part, writer)
      -> episode:N (the outline: the contract each scene's facts are checked against;
         it follows episode N-1's plan, writer) -> scene:N.S (the words, writer)
      -> critique:series (checks and critics over every scene; failing scenes are
         sent back to their writer node with the failing checks as notes, and the
         critique runs again after them, bounded by --critique-rounds)
      -> shotlist:N.S (director) -> shot:N.S.K (cinematographer: visual prompt)
           -> frame:N.S.K (image backend) -> clip:N.S.K (video backend)
         line:N.S.L (voiced dialogue, editor)
      -> cut:N (the edited episode, editor; scenes too short for their time, or
         ending on no line, go back to their writer first, bounded by --pacing-rounds)

Review gates stop a run after the bible, the scripts and the shot lists.
"""

from __future__ import annotations

from typing import Any

from reelwright import ids
from reelwright.agents import (
    cinematographer,
    critics,
    director,
    editor,
    exports,
    frames,
    season,
    writer,
)
from reelwright.agents import showrunner as showrunner_agent
from reelwright.agents.schemas import Bible, Outline, ShotList
from reelwright.context import AgentContext
from reelwright.plan import Plan
from reelwright.prompts import fingerprint
from reelwright.repair_loop import expand_critique, expand_cut
from reelwright.scheduler import Job
from reelwright.settings import RunSettings
from reelwright.tools.llm import LLM
from reelwright.workflow import CallLog, Change, Recipe

KINDS = (
    "series",
    "season",
    "character",
    "location",
    "episode",
    "scene",
    "critique",
    "shotlist",
    "shot",
    "frame",
    "clip",
    "line",
    "cut",
)
# Kinds whose jobs call the model: what a revision's estimate counts.
MODEL_KINDS = frozenset({"series", "season", "episode", "scene", "critique", "shotlist"})
# What --plan-only makes: everything before frames, clips, voices and cuts (a character's
# reference sheet is design: shot plans are made from it).
PLANNING_KINDS = frozenset(KINDS[: KINDS.index("shot") + 1])
GATES = ("bible", "scripts", "shots")


def jobs_for(settings: RunSettings) -> dict[str, Job]:
    """A job per node kind; the salt makes a node stale when its prompt or settings change."""
    # The model is not in the salt: resuming or revising with another --llm keeps done work.
    story = {
        "lang": settings.lang,
        "seed": settings.seed,
        "episodes": settings.episodes,
        "seconds": settings.episode_seconds,
    }
    # Only a hosted voice joins the salt, so runs made with the offline voices stay done.
    voices = {"voices": settings.voices} if settings.voices != "offline" else {}
    look = {
        "images": settings.images,
        "image_model": settings.image_model,
        "aspect": settings.aspect,
        "seed": settings.seed,
    }
    return {
        "series": Job(
            writer.write_bible,
            "llm",
            expand_series,
            {**story, "p": fingerprint("writer_bible"), "premise": settings.premise},
        ),
        "character": Job(
            cinematographer.character_sheet,
            "image",
            None,
            {**look, "p": fingerprint("negative_sheet")},
        ),
        "location": Job(_copy_location, "cpu", None, None),
        "season": Job(
            season.write_season, "llm", None, {**story, "p": fingerprint("writer_season")}
        ),
        "episode": Job(
            writer.write_outline,
            "llm",
            expand_episode,
            {**story, "p": fingerprint("writer_outline")},
        ),
        "scene": Job(
            writer.write_scene,
            "llm",
            None,
            {**story, "p": fingerprint("writer_scene", "writer_revise")},
        ),
        "critique": Job(
            critics.critique,
            "llm",
            expand_critique,
            {
                **story,
                "rounds": settings.critique_rounds,
                "critics": settings.model_critics,
                "p": fingerprint(
                    "critic", "critic_closed", "critic_focus_continuity", "critic_focus_emotion"
                ),
            },
        ),
        "shotlist": Job(
            director.plan_shots,
            "llm",
            expand_shotlist,
            {
                **story,
                "p": fingerprint("director_takes", "director_shots"),
                "shots": settings.shots,
            },
        ),
        "shot": Job(cinematographer.plan_shot, "cpu", None, {"p": fingerprint("visual_prompt")}),
        "line": Job(editor.voice_line, "tts", None, {"lang": settings.lang, **voices}),
        "frame": Job(
            frames.render_frame, "image", None, {**look, "p": fingerprint("negative_frame")}
        ),
        "clip": Job(
            frames.render_clip,
            "video",
            None,
            {"video": settings.video, "video_model": settings.video_model, "fps": settings.fps},
        ),
        "cut": Job(
            editor.cut_episode,
            "ffmpeg",
            expand_cut,
            {"fps": settings.fps, "seconds": settings.episode_seconds},
        ),
    }


def limits_for(settings: RunSettings, llm_concurrency: int) -> dict[str, int]:
    """How many jobs of each resource run at once."""
    return {
        "llm": llm_concurrency,
        # one diffusion pipeline is one model in memory, and not thread-safe
        "image": 1 if settings.images == "diffusers" else 2,
        "video": 1 if settings.video == "diffusers" else 2,
        "tts": 1 if settings.voices == "offline" else 4,
        "ffmpeg": 1,
        "cpu": 2,
    }


def seed_plan(plan: Plan) -> None:
    if ids.SERIES not in plan:
        plan.add(ids.SERIES, "series", "writer")


def _copy_location(ctx: AgentContext) -> dict[str, Any]:
    bible = Bible.model_validate(ctx.payload(ids.SERIES))
    location = next(loc for loc in bible.locations if ids.location(loc.name) == ctx.node_id)
    return location.model_dump()


# --- how the graph grows ------------------------------------------------------


def expand_series(plan: Plan, node_id: str) -> None:
    bible = Bible.model_validate(plan.payload(node_id))
    _sync(plan, "character", {ids.character(c.name) for c in bible.characters})
    for c in bible.characters:
        plan.add(ids.character(c.name), "character", "cinematographer", [ids.SERIES])
    _sync(plan, "location", {ids.location(loc.name) for loc in bible.locations})
    for loc in bible.locations:
        plan.add(ids.location(loc.name), "location", "writer", [ids.SERIES])
    if ids.CRITIQUE not in plan:
        plan.add(ids.CRITIQUE, "critique", "critics", [ids.SERIES])
    long = season.wants_season(_episode_count(plan))
    if long:  # a long series is planned in parts first (agents/season.py)
        plan.add(ids.SEASON, "season", "writer", [ids.SERIES])
    for ep in range(1, _episode_count(plan) + 1):
        plan.add(ids.episode(ep), "episode", "writer", [ids.SERIES])
        if long:
            plan.link(ids.SEASON, ids.episode(ep))
        if ep > 1:  # the plan's time, deaths and knowledge carry on from the episode before
            plan.link(ids.episode(ep - 1), ids.episode(ep))
        plan.link(ids.episode(ep), ids.CRITIQUE)
        plan.add(ids.cut(ep), "cut", "editor", [ids.episode(ep)])


def _episode_count(plan: Plan) -> int:
    return int(plan.g.graph.get("episodes", 1))


def expand_episode(plan: Plan, node_id: str) -> None:
    ep = ids.episode_of(node_id)
    outline = Outline.model_validate(plan.payload(node_id))
    numbers = range(1, len(outline.scenes) + 1)
    _sync(plan, "scene", {ids.scene(ep, sc) for sc in numbers}, prefix=ids.prefix("scene", ep))
    _sync(
        plan,
        "shotlist",
        {ids.shotlist(ep, sc) for sc in numbers},
        prefix=ids.prefix("shotlist", ep),
    )
    for sc in numbers:
        scene = ids.scene(ep, sc)
        plan.add(scene, "scene", "writer", [ids.SERIES, node_id])
        plan.link(scene, ids.CRITIQUE)
        shotlist = ids.shotlist(ep, sc)
        plan.add(shotlist, "shotlist", "director", [scene, node_id])
        plan.link(ids.CRITIQUE, shotlist, order_only=True)
        plan.link(shotlist, ids.cut(ep), order_only=True)


def expand_shotlist(plan: Plan, node_id: str) -> None:
    ref = ids.parse(node_id)
    ep, sc = ref.episode, ref.scene
    shots = ShotList.model_validate(plan.payload(node_id)).shots
    scene = ids.scene(ep, sc)
    n_lines = len(plan.payload(scene)["lines"])
    for kind in ("shot", "frame", "clip"):
        wanted = {ids.make(kind, ep, sc, n) for n in range(1, len(shots) + 1)}
        _sync(plan, kind, wanted, prefix=ids.prefix(kind, ep, sc))
    line_ids = [ids.line(ep, sc, n) for n in range(1, n_lines + 1)]
    _sync(plan, "line", set(line_ids), prefix=ids.prefix("line", ep, sc))
    for line_id in line_ids:
        plan.add(line_id, "line", "editor", [ids.SERIES, scene])
        plan.link(ids.CRITIQUE, line_id, order_only=True)
        plan.link(line_id, ids.cut(ep))
    for n, shot in enumerate(shots, 1):
        shot_id, frame_id, clip_id = ids.shot(ep, sc, n), ids.frame(ep, sc, n), ids.clip(ep, sc, n)
        characters = [ids.character(c.name) for c in shot.characters]
        characters = [c for c in characters if c in plan]
        plan.add(shot_id, "shot", "cinematographer", [node_id, scene, ids.SERIES, *characters])
        covered = [ids.line(ep, sc, k) for k in shot.lines]
        plan.add(frame_id, "frame", "cinematographer", [shot_id, *covered])
        for character in characters:
            plan.link(character, frame_id, order_only=True)
        plan.add(clip_id, "clip", "cinematographer", [frame_id, shot_id])
        plan.link(clip_id, ids.cut(ep))
        plan.link(shot_id, ids.cut(ep))


def _sync(plan: Plan, kind: str, wanted: set[str], prefix: str = "") -> None:
    """Remove nodes of a kind that the new artifact no longer implies (and their outputs)."""
    gone = [n for n in plan.ids(kind) if n.startswith(prefix) and n not in wanted]
    if gone:
        plan.remove(gone)


# --- review gates -------------------------------------------------------------


def gate_reached(plan: Plan, gate: str) -> bool:
    def done(node_id: str) -> bool:
        return node_id in plan and plan.node(node_id)["status"] == "done"

    if gate == "bible":
        return done(ids.SERIES)
    if gate == "scripts":
        return done(ids.CRITIQUE)
    shotlists, episodes = plan.ids("shotlist"), plan.ids("episode")
    return bool(shotlists) and all(done(n) for n in [*shotlists, *episodes])


# --- revisions ----------------------------------------------------------------


def keep_writer_nodes(plan: Plan, edited: set[str]) -> list[str]:
    """Outlines and scenes the note did not name stay as written.

    A changed bible does not rewrite the story by itself: the showrunner names the
    scenes to rewrite. An edited outline does rewrite its own scenes.
    """
    kept = []
    edited_episodes = {ids.episode_of(e) for e in edited if ids.kind_of(e) == "episode"}
    for node_id in plan.ids():
        node = plan.node(node_id)
        if node["kind"] not in ("episode", "scene") or node_id in edited:
            continue
        if node["kind"] == "scene" and ids.episode_of(node_id) in edited_episodes:
            continue
        if node["status"] == "done" or node["payload"] is not None:
            kept.append(node_id)
    return kept


class Showrunner:
    """The drama's note editor: the showrunner agent behind the engine's NoteEditor."""

    editable = showrunner_agent.EDITABLE

    def map_note(self, llm: LLM, plan: Plan, note: str, log: CallLog) -> list[Change]:
        changes = showrunner_agent.map_note(llm, plan, note, log)
        return [Change(node=c.node, instruction=c.instruction) for c in changes]

    def target(self, plan: Plan, node_id: str) -> str:
        return showrunner_agent.edit_target(plan, node_id)[0]

    def apply(
        self, llm: LLM, plan: Plan, change: Change, note: str, lang: str, log: CallLog
    ) -> str:
        return showrunner_agent.apply_edit(
            llm, plan, change.node, change.instruction, note, lang, log
        )


DRAMA = Recipe(
    kinds=KINDS,
    planning_kinds=PLANNING_KINDS,
    seed=seed_plan,
    jobs=jobs_for,
    limits=limits_for,
    gates=GATES,
    gate_reached=gate_reached,
    model_kinds=MODEL_KINDS,
    keep_on_revision=keep_writer_nodes,
    editor=Showrunner(),
    publish=exports.publish,
)
