"""The cinematographer: a consistent look, reference sheets, a prompt and a frame per shot.

Visual prompts are built in code, not by the model, so every on-screen
character's fixed look words are repeated verbatim in every shot.
"""

from __future__ import annotations

import re
from pathlib import Path

from reelwright.context import AgentContext
from reelwright.prompts import fragment
from reelwright.tools.jsonio import file_sha256
from reelwright.tools.media import Figure, FrameRequest, SheetRequest

from .common import bible_of
from .schemas import Bible, Character, Scene, Shot, ShotList, slugify

PALETTE = [
    (220, 60, 60),
    (60, 120, 220),
    (240, 170, 40),
    (70, 170, 90),
    (160, 80, 200),
    (40, 180, 190),
]
SIZE_WORDS = {
    "ECU": "extreme close-up",
    "CU": "close-up",
    "MCU": "medium close-up",
    "MS": "medium shot",
    "WS": "wide shot",
    "EWS": "extreme wide shot",
}
LIGHT = {
    "DAY": "soft daylight",
    "NIGHT": "low-key night light, deep blue shadows",
    "DAWN": "pink dawn light",
    "DUSK": "amber dusk light",
}


class ShotPlan(Shot):
    """A shot as the frame, clip and cut read it: the director's shot plus its prompt."""

    id: str
    scene: str
    hook: bool = False
    cliffhanger: bool = False
    line_ids: list[str] = []
    prompt: str
    location: str
    location_look: str = ""
    interior: bool = True
    time_of_day: str = "DAY"
    mood_valence: float = 0.0
    look_problems: list[str] = []


def figure_for(bible: Bible, name: str, position: str = "center") -> Figure:
    """A character keeps its colour and silhouette in every frame of the series."""
    index = next((i for i, c in enumerate(bible.characters) if c.name == name), 0)
    character = bible.characters[index]
    return Figure(
        name=name,
        color=PALETTE[index % len(PALETTE)],
        shape=index % 6,
        position=position,
        gender=character.gender,
    )


def series_look(bible: Bible) -> str:
    """Palette, lighting and lens language for the whole series, from genre and tone."""
    tone = f"{bible.genre} {bible.tone}".lower()
    if any(w in tone for w in ("thriller", "dark", "noir", "horror", "revenge", "悬疑", "复仇")):
        return "desaturated teal and amber palette, hard side light, long lenses"
    if any(w in tone for w in ("romance", "love", "sweet", "甜", "爱")):
        return "warm pastel palette, soft backlight, shallow depth of field"
    return "naturalistic palette, motivated practical light, 35mm and 85mm lenses"


def character_sheet(ctx: AgentContext) -> dict[str, object]:
    """Front, side and back descriptions plus a rendered reference sheet."""
    bible = bible_of(ctx)
    slug = ctx.node_id.split(":", 1)[1]
    character = next(c for c in bible.characters if slugify(c.name) == slug)
    run_path: Path = ctx.services.run.path
    out = run_path / "frames" / "characters" / f"{slug}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    figure = figure_for(bible, character.name)
    request = SheetRequest(
        name=character.name,
        look=character.look,
        figure=figure,
        negative_prompt=fragment("negative_sheet"),
        seed=ctx.services.settings.seed,
    )
    images = ctx.services.images
    images.render_sheet(request, out)
    paid = {"cost_usd": images.price()} if getattr(images, "paid", False) else {}
    if paid:
        ctx.emit(
            "tool_call",
            tool=f"image:{images.name}",
            args={"sheet": character.name},
            seconds=0,
            result=str(out.relative_to(run_path)),
            **paid,
        )
    return {
        **paid,
        "name": character.name,
        "look": character.look,
        "front": f"front: {character.look}",
        "side": f"side profile: {character.look}",
        "back": f"back view: {character.look}",
        "color": list(figure.color),
        "shape": figure.shape,
        "path": str(out.relative_to(run_path)),
        "sha256": file_sha256(out),
    }


def plan_shot(ctx: AgentContext) -> ShotPlan:
    bible = bible_of(ctx)
    shot_id = ctx.node_id.split(":", 1)[1]
    ep, sc, n = (int(x) for x in shot_id.split("."))
    shots = ShotList.model_validate(ctx.payload(f"shotlist:{ep}.{sc}")).shots
    shot = shots[n - 1]
    scene = Scene.model_validate(ctx.payload(f"scene:{ep}.{sc}"))
    episode_scenes = [s for s in ctx.ids("scene") if s.startswith(f"scene:{ep}.")]
    location = next((loc for loc in bible.locations if loc.name == scene.location), None)
    location_look = location.look if location else ""
    present = set(scene.ledger.present)
    on_screen = [c for c in shot.characters if c.name in present or c.name in _speakers(scene)]
    prompt = visual_prompt(
        bible,
        shot,
        on_screen_names=[c.name for c in on_screen],
        location=scene.location,
        location_look=location_look,
        time_of_day=scene.time_of_day,
    )
    valence = _mood(scene, [c.name for c in on_screen])
    problems = look_contradictions(bible, shot) + [
        f"{c.name} is on screen but not in the scene's ledger"
        for c in shot.characters
        if c not in on_screen
    ]
    if problems:
        ctx.emit(
            "critique",
            round=0,
            source="shot_checks",
            found=len(problems),
            fixed=0,
            remaining=len(problems),
            dropped_ungrounded=0,
            issues=[{"kind": "shot_continuity", "detail": p} for p in problems],
        )
    return ShotPlan(
        **{**shot.model_dump(), "characters": [c.model_dump() for c in on_screen]},
        id=shot_id,
        scene=f"{ep}.{sc}",
        hook=(sc == 1 and n == 1),
        cliffhanger=(f"scene:{ep}.{sc}" == episode_scenes[-1] and n == len(shots)),
        line_ids=[f"{ep}.{sc}.{k}" for k in shot.lines],
        prompt=prompt,
        location=scene.location,
        location_look=location_look,
        interior=scene.interior,
        time_of_day=scene.time_of_day,
        mood_valence=valence,
        look_problems=problems,
    )


def _speakers(scene: Scene) -> set[str]:
    return {line.speaker for line in scene.lines}


def _mood(scene: Scene, names: list[str]) -> float:
    feelings = [s.feels.valence for s in scene.ledger.characters if s.name in names]
    return round(sum(feelings) / len(feelings), 2) if feelings else 0.0


def visual_prompt(
    bible: Bible,
    shot: Shot,
    *,
    on_screen_names: list[str],
    location: str,
    location_look: str,
    time_of_day: str,
) -> str:
    looks = {c.name: c.look for c in bible.characters}
    people = "; ".join(
        f"{c.name} ({c.position}): {looks.get(c.name, '')}"
        for c in shot.characters
        if c.name in on_screen_names
    )
    text = fragment(
        "visual_prompt",
        framing=f"{SIZE_WORDS[shot.size]}, {shot.angle} angle, {shot.lens_mm}mm lens, "
        f"camera {shot.move}",
        description=shot.description,
        people=people,
        place=f"{location}: {location_look}",
        light=LIGHT.get(time_of_day, ""),
        mood=shot.emotion,
        look=series_look(bible),
    )
    # a part left empty leaves no empty sentence behind
    return re.sub(r"(?:\.\s*)+\.", ".", re.sub(r"\s+\.", ".", text)).strip(" .")


_COLOUR = r"(red|blue|green|black|white|grey|gray|yellow|brown|pink|purple|orange|golden|silver)"
_GARMENT = r"(coat|jacket|dress|shirt|hat|scarf|suit|hair|eyes|skirt|sweater|hoodie|uniform|boots)"


def look_contradictions(bible: Bible, shot: Shot) -> list[str]:
    """A shot description that recolours a character's fixed look is a continuity break."""
    problems = []
    for on_screen in shot.characters:
        character: Character | None = next(
            (c for c in bible.characters if c.name == on_screen.name), None
        )
        if character is None:
            continue
        fixed = dict((g, c) for c, g in re.findall(f"{_COLOUR} {_GARMENT}", character.look.lower()))
        for colour, garment in re.findall(f"{_COLOUR} {_GARMENT}", shot.description.lower()):
            if garment in fixed and fixed[garment] != colour:
                problems.append(
                    f"{character.name}: shot says {colour} {garment}, look says "
                    f"{fixed[garment]} {garment}"
                )
    return problems


def frame_request(ctx: AgentContext, plan: ShotPlan, duration: float, caption: str) -> FrameRequest:
    bible = bible_of(ctx)
    settings = ctx.services.settings
    width, height = settings.size
    run_path: Path = ctx.services.run.path
    figures = []
    for c in plan.characters:
        figure = figure_for(bible, c.name, c.position)
        sheet = run_path / "frames" / "characters" / f"{slugify(c.name)}.png"
        figures.append(
            figure.model_copy(update={"reference_image": sheet if sheet.exists() else None})
        )
    return FrameRequest(
        shot_id=plan.id,
        width=width,
        height=height,
        prompt=plan.prompt,
        negative_prompt=fragment("negative_frame"),
        location=plan.location,
        location_look=plan.location_look,
        interior=plan.interior,
        time_of_day=plan.time_of_day,
        mood_valence=plan.mood_valence,
        size=plan.size,
        angle=plan.angle,
        move=plan.move,
        duration=duration,
        caption=caption,
        figures=figures,
        seed=settings.seed * 100_003 + _shot_number(plan.id),
    )


def _shot_number(shot_id: str) -> int:
    ep, sc, n = (int(x) for x in shot_id.split("."))
    return ep * 10_000 + sc * 100 + n
