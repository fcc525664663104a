"""The writer: premise to bible, bible to episode outlines, outline beat to scene.

One scene per model call with only the slice of the story it needs, so the
small embedded model copes and the scenes of an episode are written in parallel.
"""

from __future__ import annotations

import json

from reelwright.context import AgentContext

from .checks.text import Names
from .common import ask, bible_of, characters_brief, has_cjk, language_problems, language_rule
from .schemas import Bible, Issue, Outline, Scene


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

    return ask(
        ctx,
        "writer_bible",
        Bible,
        check=check,
        max_tokens=1100,
        premise=s.premise,
        episodes=s.episodes,
        language_rule=language_rule(s.lang),
    )


def write_outline(ctx: AgentContext) -> Outline:
    s = ctx.services.settings
    bible = bible_of(ctx)
    number = int(ctx.node_id.split(":")[1])
    wanted = scene_count(s.episode_seconds)
    locations = [loc.name for loc in bible.locations]
    names = Names(bible)
    if number == 1:
        position = "This is the first episode: open the story fast."
    elif number == s.episodes:
        position = "This is the last episode: pay off the arc, but still end on a charged moment."
    else:
        position = "Pick up right after the previous episode's cliffhanger."

    def check(outline: Outline) -> list[str]:
        problems = []
        if len(outline.scenes) != wanted:
            problems.append(f"write exactly {wanted} scenes, not {len(outline.scenes)}")
        for i, beat in enumerate(outline.scenes, 1):
            if not any(ch.isalpha() for ch in beat.target_emotion):
                problems.append(f"scenes.{i}.target_emotion must be a word, not a number")
            unknown = [n for n in beat.characters if loose_name(names, n) is None]
            if unknown:
                problems.append(
                    f"scenes.{i}: unknown characters {unknown}; use {sorted(names.full)}"
                )
        if not outline.hook.strip() or not outline.cliffhanger.strip():
            problems.append("the hook and the cliffhanger must not be empty")
        texts = [outline.hook, outline.cliffhanger, *(b.beat for b in outline.scenes)]
        return problems + language_problems(texts, s.lang, "the outline")

    outline = ask(
        ctx,
        "writer_outline",
        Outline,
        check=check,
        fresh_tries=2,
        max_tokens=1200,
        title=bible.title,
        logline=bible.logline,
        tone=bible.tone,
        characters=characters_brief(bible),
        locations=", ".join(locations),
        arc=bible.arc,
        episode=number,
        episodes=s.episodes,
        seconds=int(s.episode_seconds),
        position=position,
        scenes=wanted,
        language_rule=language_rule(s.lang),
    )
    for beat in outline.scenes:
        beat.target_valence = max(-1.0, min(1.0, beat.target_valence))
        beat.characters = list(dict.fromkeys(loose_name(names, n) or n for n in beat.characters))
        beat.location = nearest_location(beat.location, locations)
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


def write_scene(ctx: AgentContext) -> Scene:
    s = ctx.services.settings
    bible = bible_of(ctx)
    ep, sc = (int(x) for x in ctx.node_id.split(":")[1].split("."))
    outline = Outline.model_validate(ctx.payload(f"episode:{ep}"))
    beat = outline.scenes[sc - 1]
    prev = outline.scenes[sc - 2].beat if sc > 1 else "(this is the episode's first scene)"
    nxt = outline.scenes[sc].beat if sc < len(outline.scenes) else "(this is the last scene)"
    extra = []
    if sc == 1:
        extra.append(f"Open on the hook in the very first line: {outline.hook}")
    if sc == len(outline.scenes):
        extra.append(f"End on the cliffhanger: {outline.cliffhanger}")
    scene = ask(
        ctx,
        "writer_scene",
        Scene,
        check=lambda scene: scene_problems(scene, bible, beat.characters, s.lang, min_lines=2),
        fresh_tries=2,
        keep_near_miss=True,
        max_tokens=1300,
        title=bible.title,
        tone=bible.tone,
        characters=characters_brief(bible, beat.characters),
        episode=ep,
        hook=outline.hook,
        cliffhanger=outline.cliffhanger,
        previous=prev,
        next=nxt,
        scene_no=sc,
        scene_count=len(outline.scenes),
        location=beat.location,
        int_ext="interior" if beat.interior else "exterior",
        time_of_day=beat.time_of_day,
        present=", ".join(beat.characters),
        beat=beat.beat,
        turn=beat.turn,
        target_emotion=beat.target_emotion,
        target_valence=beat.target_valence,
        extra="\n".join(extra),
        language_rule=language_rule(s.lang),
    )
    # the outline fixes the heading: small models drift on INT/EXT and time of day
    scene.location, scene.interior, scene.time_of_day = (
        beat.location,
        beat.interior,
        beat.time_of_day,
    )
    scene.ledger.location = beat.location
    scene = canonical_names(clamp_scene(scene), bible)
    # bookkeeping, not story: a speaker the outline put in this scene is present in it
    for line in scene.lines:
        if line.speaker in beat.characters and line.speaker not in scene.ledger.present:
            scene.ledger.present.append(line.speaker)
    return scene


def loose_name(names: Names, text: str) -> str | None:
    """The bible name meant by a cue such as 'Hannah (35)', 'Kai' or 'James: 35; wants…'.

    Small models copy the prompt's character lines into name fields.
    """
    found = names.resolve(text)
    if found:
        return found
    stripped = text.strip()
    for name in sorted(names.full, key=len, reverse=True):
        if stripped.startswith(name) and not stripped[len(name) : len(name) + 1].isalnum():
            return name
    return None


def canonical_names(scene: Scene, bible: Bible) -> Scene:
    """Every name field becomes the bible's name, so voices, figures and checks match."""
    names = Names(bible)
    for line in scene.lines:
        line.speaker = loose_name(names, line.speaker) or line.speaker
    ledger = scene.ledger
    ledger.present = list(dict.fromkeys(loose_name(names, n) or n for n in ledger.present))
    for state in ledger.characters:
        state.name = loose_name(names, state.name) or state.name
    return scene


def scene_problems(
    scene: Scene, bible: Bible, cast: list[str], lang: str, min_lines: int = 1
) -> list[str]:
    """Validation a repair retry can fix: names outside the bible, numbers for emotion
    labels, too few lines, the wrong language."""
    names = Names(bible)
    problems = []
    for i, line in enumerate(scene.lines, 1):
        if loose_name(names, line.speaker) is None:
            problems.append(
                f"lines.{i}.speaker {line.speaker!r} is not one of {sorted(names.full)}"
            )
        if not any(ch.isalpha() for ch in line.emotion):
            problems.append(
                f"lines.{i}.emotion must be a word such as afraid, not {line.emotion!r}"
            )
    for state in scene.ledger.characters:
        if not any(ch.isalpha() for ch in state.feels.label):
            problems.append(f"ledger: {state.name} feels.label must be a word, not a number")
    if len(scene.lines) < min_lines:
        problems.append(f"write at least {min_lines} dialogue lines, not {len(scene.lines)}")
    texts = [line.text for line in scene.lines]
    return problems + language_problems(texts, lang, "dialogue")


def clamp_scene(scene: Scene) -> Scene:
    """Grammar-constrained decoding ignores numeric bounds; clamp what the model overshot."""
    for state in scene.ledger.characters:
        state.feels.valence = max(-1.0, min(1.0, state.feels.valence))
        state.feels.intensity = max(0.0, min(1.0, state.feels.intensity))
    scene.ledger.hour = max(0, min(23, scene.ledger.hour))
    scene.ledger.day = max(1, scene.ledger.day)
    return scene


def revise_scene(ctx: AgentContext, scene_id: str, issues: list[Issue]) -> Scene:
    """The owning agent rewrites one scene with the critics' issues in its prompt."""
    s = ctx.services.settings
    bible = bible_of(ctx)
    scene = Scene.model_validate(ctx.payload(scene_id))
    notes = "\n".join(f'- [{i.kind}, {i.severity}] "{i.evidence}": {i.fix}' for i in issues)
    cast = sorted({*scene.ledger.present, *(line.speaker for line in scene.lines)})
    revised = ask(
        ctx,
        "writer_revise",
        Scene,
        check=lambda new: scene_problems(new, bible, cast, s.lang),
        max_tokens=1300,
        tag=scene_id,
        characters=characters_brief(bible),
        scene=json.dumps(scene.model_dump(), ensure_ascii=False),
        issues=notes,
        language_rule=language_rule(s.lang),
    )
    return canonical_names(clamp_scene(revised), bible)
