"""The one module that wires agents to node kinds, and grows the graph as they finish.

The graph starts as one node, `series`. Each finished node adds the nodes its
artifact implies: the bible adds characters, locations and episodes; an outline
adds its scenes; a shot list adds shots, voiced lines, frames and clips.
"""

from __future__ import annotations

from typing import Any

from reelwright.agents import cinematographer, critics, director, editor, frames, writer
from reelwright.agents.schemas import Bible, Outline, ShotList, slugify
from reelwright.plan import Plan
from reelwright.prompts import fingerprint
from reelwright.scheduler import Job
from reelwright.settings import RunSettings

CRITIQUE = "critique:series"


def jobs_for(settings: RunSettings) -> dict[str, Job]:
    """A job per node kind; the salt makes a node stale when its prompt or settings change."""
    # The model is not in the salt: resuming or revising with another --llm keeps done work.
    story = {
        "lang": settings.lang,
        "seed": settings.seed,
        "episodes": settings.episodes,
        "seconds": settings.episode_seconds,
    }
    look = {
        "images": settings.images,
        "image_model": settings.image_model,
        "aspect": settings.aspect,
        "seed": settings.seed,
    }
    # Only a hosted voice joins the salt, so runs made with the offline voices stay done.
    voices = {"voices": settings.voices} if settings.voices != "offline" else {}
    return {
        "series": Job(
            writer.write_bible,
            "llm",
            expand_series,
            {**story, "p": fingerprint("writer_bible"), "premise": settings.premise},
        ),
        "character": Job(cinematographer.character_sheet, "image", None, look),
        "location": Job(_copy_location, "cpu", None, None),
        "episode": Job(
            writer.write_outline,
            "llm",
            expand_episode,
            {**story, "p": fingerprint("writer_outline")},
        ),
        "scene": Job(writer.write_scene, "llm", None, {**story, "p": fingerprint("writer_scene")}),
        "critique": Job(
            critics.critique,
            "llm",
            None,
            {
                **story,
                "rounds": settings.critique_rounds,
                "p": fingerprint("critic", "writer_revise"),
            },
        ),
        "shotlist": Job(
            director.plan_shots,
            "llm",
            expand_shotlist,
            {**story, "p": fingerprint("director_shots")},
        ),
        "shot": Job(cinematographer.plan_shot, "cpu", None, None),
        "line": Job(editor.voice_line, "tts", None, {"lang": settings.lang, **voices}),
        "frame": Job(frames.render_frame, "image", None, look),
        "clip": Job(
            frames.render_clip,
            "video",
            None,
            {"video": settings.video, "video_model": settings.video_model, "fps": settings.fps},
        ),
        "cut": Job(
            editor.cut_episode,
            "ffmpeg",
            None,
            {"fps": settings.fps, "seconds": settings.episode_seconds},
        ),
    }


def seed_plan(plan: Plan) -> None:
    if "series" not in plan:
        plan.add("series", "series", "writer")


def _copy_location(ctx: Any) -> dict[str, Any]:
    bible = Bible.model_validate(ctx.payload("series"))
    slug = ctx.node_id.split(":", 1)[1]
    location = next(loc for loc in bible.locations if slugify(loc.name) == slug)
    return location.model_dump()


def expand_series(plan: Plan, node_id: str) -> None:
    bible = Bible.model_validate(plan.payload(node_id))
    _sync(plan, "character", {f"character:{slugify(c.name)}" for c in bible.characters})
    for c in bible.characters:
        plan.add(f"character:{slugify(c.name)}", "character", "cinematographer", ["series"])
    _sync(plan, "location", {f"location:{slugify(loc.name)}" for loc in bible.locations})
    for loc in bible.locations:
        plan.add(f"location:{slugify(loc.name)}", "location", "writer", ["series"])
    episodes = _episode_count(plan)
    if CRITIQUE not in plan:
        plan.add(CRITIQUE, "critique", "critics", ["series"])
    for ep in range(1, episodes + 1):
        plan.add(f"episode:{ep}", "episode", "writer", ["series"])
        plan.link(f"episode:{ep}", CRITIQUE)
        plan.add(f"cut:{ep}", "cut", "editor", [f"episode:{ep}"])


def _episode_count(plan: Plan) -> int:
    return int(plan.g.graph.get("episodes", 1))


def expand_episode(plan: Plan, node_id: str) -> None:
    ep = node_id.split(":")[1]
    outline = Outline.model_validate(plan.payload(node_id))
    wanted = {f"scene:{ep}.{i}" for i in range(1, len(outline.scenes) + 1)}
    _sync(plan, "scene", wanted, prefix=f"scene:{ep}.")
    _sync(
        plan,
        "shotlist",
        {w.replace("scene:", "shotlist:") for w in wanted},
        prefix=f"shotlist:{ep}.",
    )
    for i in range(1, len(outline.scenes) + 1):
        scene = f"scene:{ep}.{i}"
        plan.add(scene, "scene", "writer", ["series", node_id])
        plan.link(scene, CRITIQUE)
        shotlist = f"shotlist:{ep}.{i}"
        plan.add(shotlist, "shotlist", "director", [scene, node_id])
        plan.link(CRITIQUE, shotlist, order_only=True)
        plan.link(shotlist, f"cut:{ep}", order_only=True)


def expand_shotlist(plan: Plan, node_id: str) -> None:
    scene_key = node_id.split(":")[1]
    ep = scene_key.split(".")[0]
    shots = ShotList.model_validate(plan.payload(node_id)).shots
    scene = f"scene:{scene_key}"
    n_lines = len(plan.payload(scene)["lines"])
    shot_ids = {f"shot:{scene_key}.{n}" for n in range(1, len(shots) + 1)}
    line_ids = {f"line:{scene_key}.{n}" for n in range(1, n_lines + 1)}
    for kind in ("shot", "frame", "clip"):
        _sync(
            plan,
            kind,
            {s.replace("shot:", f"{kind}:") for s in shot_ids},
            prefix=f"{kind}:{scene_key}.",
        )
    _sync(plan, "line", line_ids, prefix=f"line:{scene_key}.")
    for line_id in sorted(line_ids):
        plan.add(line_id, "line", "editor", ["series", scene])
        plan.link(CRITIQUE, line_id, order_only=True)
        plan.link(line_id, f"cut:{ep}")
    for n, shot in enumerate(shots, 1):
        key = f"{scene_key}.{n}"
        characters = [f"character:{slugify(c.name)}" for c in shot.characters]
        plan.add(
            f"shot:{key}",
            "shot",
            "cinematographer",
            [node_id, scene, "series", *[c for c in characters if c in plan]],
        )
        covered = [f"line:{scene_key}.{k}" for k in shot.lines]
        plan.add(f"frame:{key}", "frame", "cinematographer", [f"shot:{key}", *covered])
        for character in characters:
            if character in plan:
                plan.link(character, f"frame:{key}", order_only=True)
        plan.add(f"clip:{key}", "clip", "cinematographer", [f"frame:{key}", f"shot:{key}"])
        plan.link(f"clip:{key}", f"cut:{ep}")
        plan.link(f"shot:{key}", f"cut:{ep}")


def _sync(plan: Plan, kind: str, wanted: set[str], prefix: str = "") -> None:
    """Remove nodes of a kind that the new artifact no longer implies (and their outputs)."""
    gone = [n for n in plan.ids(kind) if n.startswith(prefix) and n not in wanted]
    if gone:
        plan.remove(gone)
