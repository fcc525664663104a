"""The director: a scene becomes shots, planned like a director plans them.

The model proposes; code enforces what must hold: every dialogue line covered
exactly once and in order, durations within 1.5 to 6 s, the scene's time budget.
"""

from __future__ import annotations

from reelwright.context import AgentContext
from reelwright.errors import ModelBehaviorError

from .common import ask
from .schemas import OnScreen, Outline, Scene, ScreenPosition, Shot, ShotList, ShotSize

MIN_SHOT, MAX_SHOT = 1.5, 6.0
BREATH = 0.5


def speech_seconds(text: str, lang: str) -> float:
    """A voiced line's rough length, before the voices exist."""
    rate = 4.5 if lang == "zh" else 14.0
    return max(1.0, len(text.strip()) / rate)


def plan_shots(ctx: AgentContext) -> ShotList:
    s = ctx.services.settings
    ep, sc = (int(x) for x in ctx.node_id.split(":")[1].split("."))
    outline = Outline.model_validate(ctx.payload(f"episode:{ep}"))
    scene = Scene.model_validate(ctx.payload(f"scene:{ep}.{sc}"))
    budget = s.episode_seconds / len(outline.scenes)
    lines = "\n".join(
        f"{i}. {line.speaker} ({line.emotion}): {line.text}"
        for i, line in enumerate(scene.lines, 1)
    )
    hook_note = f"The first shot must carry the hook: {outline.hook}" if sc == 1 else ""
    n_lines = len(scene.lines)
    max_shots = min(8, n_lines + 2)
    try:
        shots = ask(
            ctx,
            "director_shots",
            ShotList,
            check=lambda plan: coverage_problems(plan, n_lines, max_shots),
            max_tokens=1200,
            scene_id=f"{ep}.{sc}",
            heading=scene.heading,
            action=scene.action,
            lines=lines,
            present=", ".join(scene.ledger.present),
            hook_note=hook_note,
            budget=round(budget),
            min_shots=max(2, min(n_lines, 3)),
            max_shots=max_shots,
        )
    except ModelBehaviorError as exc:
        # A small model can fail to plan; the scene still gets classic coverage, and the
        # log says so, rather than the episode stopping here.
        ctx.emit(
            "tool_call",
            tool="director:coverage_fallback",
            args={"scene": f"{ep}.{sc}"},
            seconds=0,
            result=str(exc)[:300],
        )
        shots = coverage_plan(scene)
    return enforce(shots, scene, budget, s.lang)


def coverage_plan(scene: Scene) -> ShotList:
    """Establishing wide, then singles on each speaker, closer as feelings run higher."""
    present = list(dict.fromkeys([*scene.ledger.present, *(ln.speaker for ln in scene.lines)]))
    sides: list[ScreenPosition] = ["left", "right", "center"]
    wide = Shot(
        size="WS",
        angle="high",
        move="push in",
        lens_mm=24,
        duration=2.5,
        characters=[OnScreen(name=n, position=sides[i % 3]) for i, n in enumerate(present[:3])],
        description=scene.action[:160],
        performance="establish the space",
        emotion=scene.lines[0].emotion if scene.lines else "calm",
        lines=[],
        transition="cut",
    )
    shots = [wide]
    sizes: list[ShotSize] = ["MCU", "CU", "MCU", "ECU"]
    for n, line in enumerate(scene.lines, 1):
        shot = close_up_for(scene, n)
        shot.size = sizes[(n - 1) % len(sizes)]
        shot.move = "push in" if n == len(scene.lines) else "static"
        shot.characters = [OnScreen(name=line.speaker, position=sides[(n - 1) % 2])]
        shots.append(shot)
    return ShotList(shots=shots[:16])


def coverage_problems(plan: ShotList, n_lines: int, max_shots: int = 16) -> list[str]:
    seen = [n for shot in plan.shots for n in shot.lines]
    problems = []
    if len(plan.shots) > max_shots:
        problems.append(f"plan at most {max_shots} shots, not {len(plan.shots)}")
    missing = sorted(set(range(1, n_lines + 1)) - set(seen))
    if missing:
        problems.append(f"dialogue lines {missing} are not covered by any shot")
    twice = sorted({n for n in seen if seen.count(n) > 1})
    if twice:
        problems.append(f"dialogue lines {twice} are covered more than once")
    return problems


def enforce(plan: ShotList, scene: Scene, budget: float, lang: str) -> ShotList:
    """Make coverage exact, keep shots legal, and fit the scene's time budget."""
    shots: list[Shot] = []
    covered: set[int] = set()
    n_lines = len(scene.lines)
    for shot in plan.shots:
        keep = [n for n in shot.lines if 1 <= n <= n_lines and n not in covered]
        covered.update(keep)
        shot = shot.model_copy(update={"lines": sorted(keep)})
        shots.append(shot)
    for n in range(1, n_lines + 1):
        if n not in covered:
            shots.append(close_up_for(scene, n))
    shots = in_line_order(shots)
    present = set(scene.ledger.present) | {line.speaker for line in scene.lines}
    for shot in shots:
        shot.characters = [c for c in shot.characters if c.name in present]
        shot.lens_mm = max(14, min(135, shot.lens_mm))
    shots = with_reactions(shots, scene, budget)
    return ShotList(shots=fit_durations(shots, scene, budget, lang))


def with_reactions(shots: list[Shot], scene: Scene, budget: float) -> list[Shot]:
    """A scene short of its time gets reaction shots of the listeners, not longer holds.

    Small models plan too few shots; a held 6-second frame is the "slideshow" viewers
    complain about, a listener's reaction is how an editor would fill the time.
    """
    listeners = scene.ledger.present or [line.speaker for line in scene.lines]
    out = list(shots)
    total = sum(min(MAX_SHOT, max(MIN_SHOT, s.duration)) for s in out)
    turn = 0
    while listeners and total < 0.9 * budget and len(out) < 16:
        after = min(len(out), 1 + 2 * turn)
        spoken = out[after - 1].lines if after else []
        speaker = scene.lines[spoken[0] - 1].speaker if spoken else ""
        who = next((n for n in listeners if n != speaker), listeners[0])
        seconds = round(min(MAX_SHOT, max(MIN_SHOT, 0.9 * budget - total)), 2)
        reaction = Shot(
            size="CU" if turn % 2 == 0 else "MCU",
            angle="eye level",
            move="push in" if turn % 2 == 0 else "static",
            lens_mm=85,
            duration=seconds,
            characters=[OnScreen(name=who, position="center")],
            description=f"{who} reacts, listening",
            performance="silent reaction",
            emotion=scene.lines[spoken[0] - 1].emotion if spoken else "listening",
            lines=[],
            transition="cut",
        )
        out.insert(after, reaction)
        total += seconds
        turn += 1
    return out


def in_line_order(shots: list[Shot]) -> list[Shot]:
    """Order shots by the lines they cover; a shot with no line stays after its neighbour."""
    keyed, last = [], 0.0
    for index, shot in enumerate(shots):
        key = float(min(shot.lines)) if shot.lines else last + 0.5
        last = float(max(shot.lines)) if shot.lines else key
        keyed.append((key, index, shot))
    return [shot for _, _, shot in sorted(keyed, key=lambda item: (item[0], item[1]))]


def close_up_for(scene: Scene, n: int) -> Shot:
    line = scene.lines[n - 1]
    return Shot(
        size="CU",
        angle="eye level",
        move="static",
        lens_mm=85,
        duration=3.0,
        characters=[OnScreen(name=line.speaker, position="center")],
        description=f"{line.speaker} speaks",
        performance=line.parenthetical or line.emotion,
        emotion=line.emotion,
        lines=[n],
        transition="cut",
    )


def fit_durations(shots: list[Shot], scene: Scene, budget: float, lang: str) -> list[Shot]:
    """Each shot at least as long as its lines; the scene close to its budget."""
    floors = [
        min(
            MAX_SHOT,
            max(
                MIN_SHOT,
                sum(speech_seconds(scene.lines[n - 1].text, lang) for n in shot.lines) + BREATH,
            ),
        )
        for shot in shots
    ]
    wanted = [
        max(f, min(MAX_SHOT, max(MIN_SHOT, s.duration))) for f, s in zip(floors, shots, strict=True)
    ]
    total = sum(wanted)
    if total > 0 and abs(total - budget) / budget > 0.05:
        scale = budget / total
        wanted = [max(f, min(MAX_SHOT, w * scale)) for f, w in zip(floors, wanted, strict=True)]
    for shot, seconds in zip(shots, wanted, strict=True):
        shot.duration = round(seconds, 2)
    return shots
