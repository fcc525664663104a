"""The director: a scene becomes shots.

Coverage is arithmetic and is done in code first (`coverage.build`): which line in
which shot, how long, one reaction where a line turns the scene, the hook first and
the cliffhanger last. The model is asked only for taste, in one compact call per
scene (`takes`). With `--shots full` a capable endpoint plans whole shot lists
instead; either way `enforce` repairs what breaks a rule, nothing is sent back.
"""

from __future__ import annotations

from typing import Any

from reelwright import ids
from reelwright.context import AgentContext
from reelwright.errors import ModelBehaviorError

from . import coverage
from .common import ask
from .coverage import MAX_SHOT, MIN_SHOT, REACTION_S, Skeleton, Slot, on_stage, speech_seconds
from .schemas import Move, OnScreen, Outline, Scene, ScreenPosition, Shot, ShotList, ShotSize
from .takes import Take, full_take, takes_schema

__all__ = ["enforce", "plan_shots", "shots_from_takes", "speech_seconds"]

LENS: dict[ShotSize, int] = {"ECU": 100, "CU": 85, "MCU": 65, "MS": 50, "WS": 28, "EWS": 18}
SIDES: list[ScreenPosition] = ["left", "right", "center"]
TAKE_TOKENS = 45  # per-shot cap: a take at its longest strings is about 35 tokens
LOOK_TOKENS = 16  # a look, [size, angle, move], is about 12


def plan_shots(ctx: AgentContext) -> dict[str, Any]:
    s = ctx.services.settings
    ref = ids.parse(ctx.node_id)
    ep, sc = ref.episode, ref.scene
    outline = Outline.model_validate(ctx.payload(ids.episode(ep)))
    scene = Scene.model_validate(ctx.payload(ids.scene(ep, sc)))
    budget = s.episode_seconds / len(outline.scenes)
    beat = outline.scenes[sc - 1] if sc <= len(outline.scenes) else None
    skeleton = coverage.build(
        scene,
        budget=budget,
        lang=s.lang,
        hook=sc == 1,
        cliffhanger=sc == len(outline.scenes),
        turn_text=beat.turn if beat else "",
    )
    notes = {"hook": outline.hook, "cliffhanger": outline.cliffhanger}
    if s.shots == "full":
        shots = _full_plan(ctx, scene, skeleton, notes)
    else:
        shots = _taste_plan(ctx, scene, skeleton, notes, words=s.shots == "taste")
    plan = enforce(ShotList(shots=shots), scene, skeleton, s.lang)
    if skeleton.problems:
        ctx.emit(
            "critique",
            round=0,
            source="director",
            found=len(skeleton.problems),
            fixed=0,
            remaining=len(skeleton.problems),
            dropped_ungrounded=0,
            issues=[
                {"node": ids.scene(ep, sc), "kind": p.split(":", 1)[0], "detail": p}
                for p in skeleton.problems
            ],
        )
    return {
        **plan.model_dump(mode="json"),
        "seconds": round(sum(x.duration for x in plan.shots), 2),
        "budget": skeleton.budget_s,
        "turn": skeleton.turn,
        "problems": skeleton.problems,
    }


def _taste_plan(
    ctx: AgentContext, scene: Scene, skeleton: Skeleton, notes: dict[str, str], *, words: bool
) -> list[Shot]:
    """One compact model call: size, angle, move (and with `words`, a few words of framing
    and acting) per shot already laid out."""
    count = len(skeleton.slots)
    try:
        takes = ask(
            ctx,
            "director_takes" if words else "director_looks",
            takes_schema(count, words=words),
            max_tokens=24 + (TAKE_TOKENS if words else LOOK_TOKENS) * count,
            heading=scene.heading,
            action=scene.action,
            shots=slot_lines(scene, skeleton, notes),
            count=count,
        ).shots
        takes = [full_take(t) for t in takes]
    except ModelBehaviorError as exc:
        # The skeleton is already a valid shot list; only the look falls back to defaults.
        ctx.emit(
            "tool_call",
            tool="director:default_looks",
            args={"scene": ids.parse(ctx.node_id).scene_key},
            seconds=0,
            result=str(exc)[:300],
        )
        takes = []
    return shots_from_takes(scene, skeleton, takes, notes)


def _full_plan(
    ctx: AgentContext, scene: Scene, skeleton: Skeleton, notes: dict[str, str]
) -> list[Shot]:
    """A capable endpoint plans the whole list; code still owns coverage and timing."""
    try:
        return ask(
            ctx,
            "director_shots",
            ShotList,
            max_tokens=1200,
            heading=scene.heading,
            action=scene.action,
            lines=numbered_lines(scene),
            present=", ".join(on_stage(scene)),
            shots=slot_lines(scene, skeleton, notes),
            count=len(skeleton.slots),
        ).shots
    except ModelBehaviorError as exc:
        ctx.emit(
            "tool_call",
            tool="director:default_looks",
            args={"scene": ids.parse(ctx.node_id).scene_key},
            seconds=0,
            result=str(exc)[:300],
        )
        return shots_from_takes(scene, skeleton, [], notes)


def numbered_lines(scene: Scene) -> str:
    return "\n".join(
        f"{i}. {ln.speaker} ({ln.emotion}): {ln.text}" for i, ln in enumerate(scene.lines, 1)
    )


def slot_lines(scene: Scene, skeleton: Skeleton, notes: dict[str, str]) -> str:
    """The laid-out shots as the model reads them: who, which line, and any hook/cliffhanger."""
    rows = []
    for i, slot in enumerate(skeleton.slots, 1):
        role = f"[{slot.role}: {notes.get(slot.role, '')}] " if slot.role else ""
        if slot.kind == "reaction":
            said = scene.lines[skeleton.turn - 1]
            rows.append(f"{i}. {role}{slot.who[0]} reacts, silent, to: {said.text}")
            continue
        spoken = " ".join(scene.lines[n - 1].text for n in slot.lines)
        first = scene.lines[slot.lines[0] - 1]
        paren = f", {first.parenthetical}" if first.parenthetical else ""
        rows.append(f'{i}. {role}{first.speaker} ({first.emotion}{paren}) says "{spoken}"')
    return "\n".join(rows)


def shots_from_takes(
    scene: Scene, skeleton: Skeleton, takes: list[Take], notes: dict[str, str]
) -> list[Shot]:
    """The skeleton's slots dressed with the model's looks (defaults where it gave none)."""
    cast = on_stage(scene)
    shots = []
    for i, slot in enumerate(skeleton.slots):
        take = takes[i] if i < len(takes) else None
        size, angle, move, frame, acting = take or _default_look(slot, i)
        spoken = " ".join(scene.lines[n - 1].text for n in slot.lines)
        frame = "" if _echoes(frame, spoken) else frame
        acting = "" if "(" in acting or _echoes(acting, spoken) else acting
        shots.append(
            Shot(
                size=size,
                angle=angle,
                move=move,
                lens_mm=LENS[size],
                duration=slot.seconds,
                characters=_on_screen(slot, size, cast),
                description=_description(frame, slot, notes),
                performance=acting or _acting(scene, slot),
                emotion=_emotion(scene, slot, skeleton.turn),
                lines=list(slot.lines),
            )
        )
    return shots


def _echoes(text: str, spoken: str) -> bool:
    """A small model often copies the line into `frame`: that is no picture, so drop it."""
    words = {w.strip(".,!?:;\"'()").lower() for w in text.split()} - {""}
    said = {w.strip(".,!?:;\"'()").lower() for w in spoken.split()}
    return bool(words) and len(words & said) / len(words) > 0.6


def _default_look(slot: Slot, i: int) -> Take:
    if slot.kind == "reaction":
        return ("CU", "eye level", "push in", "", "")
    sizes: list[ShotSize] = ["MS", "MCU", "CU", "MCU"]
    size: ShotSize = "MS" if slot.role == "hook" else sizes[i % len(sizes)]
    move: Move = "push in" if slot.role == "cliffhanger" else "static"
    return (size, "eye level", move, "", "")


def _on_screen(slot: Slot, size: ShotSize, cast: list[str]) -> list[OnScreen]:
    """Screen sides stay fixed per character (the 180-degree rule); wide sizes show the room."""
    names = list(slot.who)
    if size in ("MS", "WS", "EWS"):
        names += [n for n in cast if n not in names]
    return [
        OnScreen(name=n, position=SIDES[cast.index(n) % 3] if n in cast else "center")
        for n in names[:3]
    ]


def _description(frame: str, slot: Slot, notes: dict[str, str]) -> str:
    who = slot.who[0] if slot.who else ""
    text = frame.strip() or (f"{who} listens" if slot.kind == "reaction" else f"{who} speaks")
    if slot.role and notes.get(slot.role):
        text = f"{text}; {notes[slot.role]}"
    return text[:300]


def _acting(scene: Scene, slot: Slot) -> str:
    if slot.kind == "reaction":
        return "silent reaction"
    line = scene.lines[slot.lines[0] - 1]
    return line.parenthetical or line.emotion


def _emotion(scene: Scene, slot: Slot, turn: int) -> str:
    if slot.lines:
        return scene.lines[slot.lines[-1] - 1].emotion
    return scene.lines[turn - 1].emotion if turn else "listening"


def enforce(plan: ShotList, scene: Scene, skeleton: Skeleton, lang: str) -> ShotList:
    """Repair in code whatever breaks a rule; the model is never asked twice.

    Each line covered exactly once and in order (duplicates dropped, missing lines get
    a close-up), at most one silent shot, nobody on screen who is not in the scene,
    lenses 14-135 mm, durations from the speech (never silent holds).
    """
    n_lines = len(scene.lines)
    covered: set[int] = set()
    shots: list[Shot] = []
    silent_left = 1 if skeleton.turn else 0
    for shot in plan.shots:
        keep = sorted(n for n in set(shot.lines) if 1 <= n <= n_lines and n not in covered)
        if not keep:
            # one silent reaction at most, and never before the first spoken line
            if silent_left <= 0 or not covered:
                continue
            silent_left -= 1
        covered.update(keep)
        shots.append(shot.model_copy(update={"lines": keep}))
    for n in range(1, n_lines + 1):
        if n not in covered:
            shots.append(_close_up(scene, n))
    shots = in_line_order(shots)
    cast = set(on_stage(scene))
    last = skeleton.slots[-1].role == "cliffhanger" if skeleton.slots else False
    for i, shot in enumerate(shots):
        shot.characters = [c for c in shot.characters if c.name in cast]
        if not shot.characters:
            shot.characters = [OnScreen(name=_voice_of(scene, shot), position="center")]
        shot.lens_mm = max(14, min(135, shot.lens_mm))
        hold = coverage.CLIFF_HOLD if last and i == len(shots) - 1 else 0.0
        shot.duration = _fit(shot, scene, lang, hold)
    return ShotList(shots=shots)


def _fit(shot: Shot, scene: Scene, lang: str, hold: float) -> float:
    """A shot lasts as long as its speech needs (plus the cliffhanger's beat), no padding."""
    if not shot.lines:
        return REACTION_S
    speech = [speech_seconds(scene.lines[n - 1].text, lang) for n in shot.lines]
    needed = coverage.shot_seconds(speech)
    return round(max(MIN_SHOT, max(needed, min(MAX_SHOT, needed + hold))), 2)


def _voice_of(scene: Scene, shot: Shot) -> str:
    return scene.lines[shot.lines[0] - 1].speaker if shot.lines else on_stage(scene)[0]


def _close_up(scene: Scene, n: int) -> Shot:
    line = scene.lines[n - 1]
    return Shot(
        size="CU",
        angle="eye level",
        move="static",
        lens_mm=LENS["CU"],
        duration=MIN_SHOT,
        characters=[OnScreen(name=line.speaker, position="center")],
        description=f"{line.speaker} speaks",
        performance=line.parenthetical or line.emotion,
        emotion=line.emotion,
        lines=[n],
    )


def in_line_order(shots: list[Shot]) -> list[Shot]:
    """Order shots by the lines they cover; a shot with no line stays after its neighbour."""
    keyed, last = [], 0.0
    for index, shot in enumerate(shots):
        key = float(min(shot.lines)) if shot.lines else last + 0.5
        last = float(max(shot.lines)) if shot.lines else key
        keyed.append((key, index, shot))
    return [shot for _, _, shot in sorted(keyed, key=lambda item: (item[0], item[1]))]
