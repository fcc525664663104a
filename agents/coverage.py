"""Coverage is arithmetic: which line goes in which shot, and for how long.

Decided in code before any model call, so a small model never has to count.
Durations come from the voiced length estimate (the same timing the editor uses),
never from silent holds: a scene with less speech than its time budget is a
writing problem, reported as `short_of_material`, not padded with listeners.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel

from reelwright.tools.timing import GAP, LEAD_IN, TAIL

from .schemas import DialogueLine, LineDraft, Scene

Lines = Sequence[DialogueLine | LineDraft]

MIN_SHOT, MAX_SHOT = 1.5, 6.0
REACTION_S = 1.8  # a listener's reaction to the line that turns the scene
CLIFF_HOLD = 1.0  # the last face held a beat before the episode cuts out
SHORT_SHARE = 0.75  # speech under this share of the scene's budget: short of material
FILL_SHARE = 0.9  # what the writers' room aims for, so the director never finds it short
OVER_SHARE = 1.15  # over this share: the scene runs long
LINE_S = 2.4  # a one-breath line on screen, with its shot's lead-in and tail (measured)
MAX_ADDED = 8  # lines one repair may add

# Emotions that mark a line as a turn (revelation, threat, shock) rather than talk.
TURN_WORDS = frozenset(
    "shocked stunned afraid terrified scared horrified angry furious enraged betrayed "
    "desperate devastated heartbroken ashamed guilty panicked grief grieving despair "
    "震惊 害怕 恐惧 愤怒 绝望 心碎 羞愧 惊恐 崩溃 悲痛 惊讶".split()
)

Role = Literal["", "hook", "cliffhanger"]


class Slot(BaseModel):
    """One shot before its look is chosen: what it covers, who is in it, how long."""

    kind: Literal["line", "reaction"]
    lines: list[int] = []  # 1-based dialogue line numbers, in order
    who: list[str]  # on-screen names, the speaker (or the reacting listener) first
    seconds: float
    role: Role = ""


class Skeleton(BaseModel):
    slots: list[Slot]
    budget_s: float
    speech_s: float
    turn: int = 0  # the line that turns the scene (0: none found)
    problems: list[str] = []  # writing problems for the writers' room (short, long)

    @property
    def seconds(self) -> float:
        return round(sum(s.seconds for s in self.slots), 2)


def speech_seconds(text: str, lang: str) -> float:
    """A voiced line's rough length, before the voices exist."""
    rate = 4.5 if lang == "zh" else 14.0
    return max(1.0, len(text.strip()) / rate)


def shot_seconds(line_seconds: list[float]) -> float:
    """What a shot needs for its lines, with the editor's lead-in, gaps and tail."""
    if not line_seconds:
        return MIN_SHOT
    needed = LEAD_IN + sum(line_seconds) + GAP * (len(line_seconds) - 1) + TAIL
    return round(max(MIN_SHOT, needed), 2)


def voiced_seconds(lines: Lines, lang: str) -> float:
    """The scene's screen time from its speech alone: one shot per speech turn, as `build`
    lays it out, so the writers' room and the director measure a scene the same way."""
    return round(
        sum(
            shot_seconds([speech_seconds(lines[k - 1].text, lang) for k in group])
            for group in group_lines(lines, lang)
        ),
        2,
    )


def lines_wanted(budget: float) -> int:
    """Spoken lines a scene of `budget` seconds needs, at one-breath length: 4 to 14."""
    return max(4, min(14, round(budget * FILL_SHARE / LINE_S)))


def lines_short(lines: Lines, budget: float, lang: str) -> int:
    """Lines of the scene's own average length that bring its speech up to the fill share
    (0: it has enough)."""
    have = voiced_seconds(lines, lang)
    if have >= SHORT_SHARE * budget:
        return 0
    per_line = have / len(lines) if lines else LINE_S
    return max(1, min(MAX_ADDED, math.ceil((FILL_SHARE * budget - have) / max(1.0, per_line))))


def group_lines(lines: Lines, lang: str) -> list[list[int]]:
    """One shot per speech turn: a speaker's consecutive lines share a shot while it fits."""
    groups: list[list[int]] = []
    for n, line in enumerate(lines, 1):
        last = groups[-1] if groups else None
        if last and lines[last[-1] - 1].speaker == line.speaker:
            seconds = [speech_seconds(lines[k - 1].text, lang) for k in [*last, n]]
            if shot_seconds(seconds) <= MAX_SHOT:
                last.append(n)
                continue
        groups.append([n])
    return groups


def turning_line(scene: Scene, turn_text: str = "") -> int:
    """The line after which a listener's face matters: a charged emotion that changes the tone.

    Scored in code (strong emotion word, an emotion unlike the line before, a cue shared
    with the outline's `turn`); 0 when no line stands out, so talk scenes get no reaction.
    """
    turn_words = {w.strip(".,!?;:").lower() for w in turn_text.split() if len(w) > 3}
    best, best_score = 0, 0.0
    for n, line in enumerate(scene.lines, 1):
        if n == 1:
            continue
        emotion = line.emotion.strip().lower()
        score = 2.0 if emotion in TURN_WORDS else 0.0
        if emotion != scene.lines[n - 2].emotion.strip().lower():
            score += 0.5
        if "!" in line.text or "！" in line.text or "?" in line.text or "？" in line.text:
            score += 0.5
        words = {w.strip(".,!?;:").lower() for w in line.text.split()}
        score += 0.5 * min(2, len(words & turn_words))
        if score >= 2.0 and score >= best_score:
            best, best_score = n, score
    return best


def listener_for(scene: Scene, n: int) -> str | None:
    """Who hears line n: the next (else previous) other speaker, else anyone present."""
    speaker = scene.lines[n - 1].speaker
    order = [ln.speaker for ln in scene.lines[n:]] + [
        ln.speaker for ln in reversed(scene.lines[: n - 1])
    ]
    for name in [*order, *scene.ledger.present]:
        if name != speaker and name in on_stage(scene):
            return name
    return None


def on_stage(scene: Scene) -> list[str]:
    """Everyone who may appear: the ledger's present list plus every speaker, in order."""
    return list(dict.fromkeys([*scene.ledger.present, *(ln.speaker for ln in scene.lines)]))


def build(
    scene: Scene,
    *,
    budget: float,
    lang: str,
    hook: bool = False,
    cliffhanger: bool = False,
    turn_text: str = "",
) -> Skeleton:
    """The scene's shots in order: lines grouped by speech turn, one reaction at most."""
    speech = [speech_seconds(line.text, lang) for line in scene.lines]
    slots = [
        Slot(
            kind="line",
            lines=group,
            who=[scene.lines[group[0] - 1].speaker],
            seconds=shot_seconds([speech[k - 1] for k in group]),
        )
        for group in group_lines(scene.lines, lang)
    ]
    needed = sum(s.seconds for s in slots) + (CLIFF_HOLD if cliffhanger else 0.0)
    turn = turning_line(scene, turn_text)
    listener = listener_for(scene, turn) if turn else None
    at = next((i for i, s in enumerate(slots) if turn in s.lines), -1) + 1
    # The cliffhanger keeps the last shot; a reaction never pushes a scene past its time.
    fits = needed + REACTION_S <= budget * OVER_SHARE and not (cliffhanger and at == len(slots))
    if turn and listener and fits:
        slots.insert(at, Slot(kind="reaction", who=[listener], seconds=REACTION_S))
    else:
        turn = 0
    if hook:
        slots[0].role = "hook"
    if cliffhanger:
        last = slots[-1]
        last.role = "cliffhanger"
        last.seconds = round(max(last.seconds, min(MAX_SHOT, last.seconds + CLIFF_HOLD)), 2)
    skeleton = Skeleton(slots=slots, budget_s=round(budget, 2), speech_s=round(sum(speech), 2))
    skeleton.turn = turn
    skeleton.problems = material_problems(skeleton)
    return skeleton


def material_problems(skeleton: Skeleton) -> list[str]:
    """Speech that cannot fill the scene's time, or overruns it, is the writer's to fix."""
    total, budget = skeleton.seconds, skeleton.budget_s
    if total < SHORT_SHARE * budget:
        return [
            f"short_of_material: the dialogue voices in about {total:.0f} s of a "
            f"{budget:.0f} s scene; write more lines or action, the director adds no holds"
        ]
    if total > OVER_SHARE * budget:
        return [
            f"over_length: the dialogue needs about {total:.0f} s of a {budget:.0f} s scene; "
            "cut or shorten lines"
        ]
    return []
