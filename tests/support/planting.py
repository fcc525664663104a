"""Plant one known defect in a copy of a clean series, to measure the code checks.

`plant_defect(story, kind, seed=n)` returns the spoiled copy and the node the defect
lives in. The seed picks the variant (e.g. an absent speaker, a dead one, or an absent
character acting in the action text) and the place, deterministically, so tests and
the benchmark cover several forms of every kind without randomness between runs.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import TypeVar

from reelwright.agents.checks.text import Names, has_cjk, norm, same_item, scenes_in_order
from reelwright.agents.schemas import CharacterState, Feeling, Scene, StoryView

from .planting_words import WORD_PLANTERS

T = TypeVar("T")
Plant = Callable[[StoryView, random.Random, int], str]

_STRANGERS = {"en": ["Marcus Bell", "Old Tom", "Officer Grady"], "zh": ["王强", "李叔", "孙警官"]}
_NEW_PROPS = {
    "en": ["revolver", "silver locket", "harpoon gun"],
    "zh": ["手枪", "银项链", "鱼叉枪"],
}
_NEW_SETUPS = {
    "en": [
        "the stranger's silver locket",
        "a letter hidden under the floorboards",
        "the second key to the boathouse",
    ],
    "zh": ["陌生人的银项链", "地板下藏着的信", "船库的第二把钥匙"],
}
_MISMATCH = {
    "en": [
        ("happy", "I hate you. Get out of my house, you filthy liar!"),
        ("tender", "You disgust me. I wish you had died, you pathetic coward."),
        ("sad", "Ha! This is the best day of my life, I love it!"),
        ("angry", "Thank you so much, you are wonderful, I love you!"),
    ],
    "zh": [
        ("开心", "你这个骗子，我恨你！滚出去！"),
        ("温柔", "混蛋，你怎么不去死！我恨你！"),
        ("悲伤", "哈哈，太好了，我真的太幸福了！"),
        ("愤怒", "谢谢你，我好开心，我爱你！"),
    ],
}
_FOREIGN_LINES = {
    "en": ["我永远不会原谅你。", "快走，风暴就要来了！", "这是我们最后的机会。"],
    "zh": [
        "I will never forgive you for this.",
        "Go now, the storm is coming!",
        "This is our last chance.",
    ],
}
_FOREIGN_ACTION = {
    "en": "他推开门，冲进雨里。",
    "zh": "He pushes the door open and runs into the rain.",
}


def _order(story: StoryView) -> list[tuple[int, str, Scene]]:
    return [(e.number, sid, s) for e, sid, s in scenes_in_order(story)]


def _state(scene: Scene, names: Names, who: str) -> CharacterState | None:
    return next((c for c in scene.ledger.characters if names.ident(c.name) == who), None)


def _pick(rng: random.Random, items: Sequence[T], what: str) -> T:
    """One item, chosen by the seeded generator; an error when there is nowhere to plant."""
    if not items:
        raise ValueError(f"the story has no place to plant {what}")
    return items[rng.randrange(len(items))]


def _absent_actor(story: StoryView, rng: random.Random, variant: int) -> str:
    """Ledger forms: a speaker left out of present, a speaker marked dead earlier."""
    names, order = Names(story.bible), _order(story)
    if variant % 2 == 1:  # a character marked dead speaks in their next scene
        dead = []
        for j, (_, sid, scene) in enumerate(order):
            for who in {names.ident(line.speaker) for line in scene.lines}:
                earlier = [i for i in range(j) if _state(order[i][2], names, who)]
                if earlier:
                    dead.append((earlier[-1], who, sid))
        i, who, sid = _pick(rng, dead, "a dead speaker")
        state = _state(order[i][2], names, who)
        assert state is not None
        state.status = "dead"
        return sid
    speakers = [
        (sid, line.speaker) for _, sid, s in order if len(s.ledger.present) > 1 for line in s.lines
    ]
    sid, speaker = _pick(rng, speakers, "an absent speaker")
    scene = _find(story, sid)
    who = names.ident(speaker)
    scene.ledger.present = [p for p in scene.ledger.present if names.ident(p) != who]
    return sid


def _absent_acting(story: StoryView, rng: random.Random, variant: int) -> str:
    """Words only: a character not in the scene acts in its action text."""
    names, order = Names(story.bible), _order(story)
    away = [
        (sid, c.name)
        for _, sid, s in order
        for c in story.bible.characters
        if c.name not in {names.ident(p) for p in s.ledger.present}
    ]
    sid, name = _pick(rng, away, "an absent actor")
    scene = _find(story, sid)
    form = names.forms(name)[variant % len(names.forms(name))]
    if has_cjk(form):
        scene.action = f"{scene.action.rstrip()}{form}猛地摔门而出。"
    else:
        scene.action = f"{scene.action.rstrip()} {form} slams the door and walks out."
    return sid


def _find(story: StoryView, sid: str) -> Scene:
    for episode in story.episodes:
        if sid in episode.scenes:
            return episode.scenes[sid]
    raise KeyError(sid)


def _knowledge_order(story: StoryView, rng: random.Random, variant: int) -> str:
    names, order = Names(story.bible), _order(story)
    learned = [
        (j, names.ident(c.name), fact)
        for j, (_, _, s) in enumerate(order)
        for c in s.ledger.characters
        for fact in c.learns
    ]
    if variant % 2 == 1:  # the learning moves to a later scene than the knowing
        later = [
            (j, k, who, fact)
            for j, who, fact in learned
            for k in range(j + 1, len(order))
            if _state(order[k][2], names, who)
        ]
        if later:
            j, k, who, fact = _pick(rng, later, "a later learning")
            here, there = _state(order[j][2], names, who), _state(order[k][2], names, who)
            assert here is not None and there is not None
            here.learns = [f for f in here.learns if f != fact]
            if fact not in here.knows:
                here.knows.append(fact)
            there.learns.append(fact)
            return order[j][1]
    earlier = [
        (i, who, fact)
        for j, who, fact in learned
        for i in range(j)
        if _state(order[i][2], names, who)
    ]
    i, who, fact = _pick(rng, earlier, "an early knowing")
    state = _state(order[i][2], names, who)
    assert state is not None
    state.knows.append(fact)
    return order[i][1]


def _prop_not_held(story: StoryView, rng: random.Random, variant: int) -> str:
    names, order = Names(story.bible), _order(story)
    held = [h for _, _, s in order for c in s.ledger.characters for h in c.holds]
    if variant % 2 == 1:  # the holder loses the prop the scene uses
        options = [(j, p) for j, (_, _, s) in enumerate(order) for p in s.ledger.props_used]
        j, prop = _pick(rng, options, "a used prop")
        scene = order[j][2]
        for who in {names.ident(p) for p in scene.ledger.present}:
            for k in range(j, -1, -1):
                state = _state(order[k][2], names, who)
                if state is not None:
                    state.holds = [h for h in state.holds if not same_item(prop, h)]
                    if k < j:
                        break
        return order[j][1]
    new = [p for p in _NEW_PROPS[story.lang] if not any(same_item(p, h) for h in held)]
    _, sid, scene = _pick(rng, order, "a scene")
    scene.ledger.props_used.append(_pick(rng, new, "a new prop"))
    return sid


def _unknown_name(story: StoryView, rng: random.Random, variant: int) -> str:
    order, stranger = _order(story), _pick(rng, _STRANGERS[story.lang], "a stranger")
    if variant % 3 == 1:  # a misspelt ledger name
        _, sid, scene = _pick(rng, order, "a scene")
        state = _pick(rng, scene.ledger.characters, "a character state")
        name = state.name
        state.name = name[:-1] + ("某" if has_cjk(name) else name[-1] + "x")
        return sid
    if variant % 3 == 2:  # a stranger in an outline beat
        episode = _pick(rng, story.episodes, "an episode")
        beat = _pick(rng, episode.outline.scenes, "a beat")
        beat.characters.append(stranger)
        return f"episode:{episode.number}"
    _, sid, scene = _pick(rng, order, "a scene")
    line = _pick(rng, scene.lines, "a line")
    line.speaker = stranger
    scene.ledger.present.append(stranger)
    return sid


def _time_backwards(story: StoryView, rng: random.Random, variant: int) -> str:
    order = _order(story)
    hours = [s.ledger.day * 24 + s.ledger.hour for _, _, s in order]
    j = _pick(rng, [j for j in range(1, len(order)) if hours[j - 1] > 24], "a second scene")
    back = 24 if variant % 2 == 1 and hours[j - 1] >= 48 else 1 + variant % 3
    total = hours[j - 1] - min(back, hours[j - 1] - 24)
    ledger = order[j][2].ledger
    ledger.day, ledger.hour = total // 24, total % 24
    return order[j][1]


def _setup_unpaid(story: StoryView, rng: random.Random, variant: int) -> str:
    order = _order(story)
    opened = [(sid, s, x) for _, sid, s in order for x in s.ledger.setups_opened]
    if variant % 2 == 1 and opened:  # the payoff is dropped
        sid, _, setup = _pick(rng, opened, "an opened setup")
        for _, _, scene in order:
            scene.ledger.setups_paid = [
                p for p in scene.ledger.setups_paid if not same_item(setup, p)
            ]
        return sid
    _, sid, scene = _pick(rng, order, "a scene")
    scene.ledger.setups_opened.append(_pick(rng, _NEW_SETUPS[story.lang], "a setup"))
    return sid


def _missing_hook(story: StoryView, rng: random.Random, variant: int) -> str:
    episode = _pick(rng, story.episodes, "an episode")
    episode.outline.hook = ["", "TBD", "...", "待定"][variant % 4]
    return f"episode:{episode.number}"


def _missing_cliffhanger(story: StoryView, rng: random.Random, variant: int) -> str:
    episodes = sorted(story.episodes, key=lambda e: e.number)
    if variant % 3 == 2 and len(episodes) > 1:  # a middle episode ends with everything solved
        episode = _pick(rng, episodes[:-1], "a middle episode")
        last = list(episode.scenes.values())[-1]
        for state in last.ledger.characters:
            state.feels = Feeling(label="happy", valence=0.9, intensity=0.6)
        opened = [
            x
            for e in episodes
            if e.number <= episode.number
            for s in e.scenes.values()
            for x in s.ledger.setups_opened
        ]
        last.ledger.setups_paid += opened
        last.cause = last.cause or "Every problem is solved at once."
        return f"episode:{episode.number}"
    episode = _pick(rng, episodes, "an episode")
    episode.outline.cliffhanger = ["", "TODO"][variant % 2]
    return f"episode:{episode.number}"


def _emotion_jump(story: StoryView, rng: random.Random, variant: int) -> str:
    names, order = Names(story.bible), _order(story)
    options = [
        (j, c)
        for j, (_, _, s) in enumerate(order)
        for c in s.ledger.characters
        if any(_state(order[i][2], names, names.ident(c.name)) for i in range(j))
    ]
    j, state = _pick(rng, options, "a returning character")
    who = names.ident(state.name)
    before = next(st for i in range(j - 1, -1, -1) if (st := _state(order[i][2], names, who)))
    zh = story.lang == "zh"
    up = before.feels.valence < 0
    label = ("狂喜" if zh else "elated") if up else ("暴怒" if zh else "furious")
    state.feels = Feeling(
        label=label,
        valence=0.9 if up else -0.9,
        intensity=1.0 if before.feels.intensity < 0.6 else 0.1,
    )
    order[j][2].cause = ""
    return order[j][1]


def _sentiment_mismatch(story: StoryView, rng: random.Random, variant: int) -> str:
    _, sid, scene = _pick(rng, _order(story), "a scene")
    line = _pick(rng, scene.lines, "a line")
    line.emotion, line.text = _MISMATCH[story.lang][variant % len(_MISMATCH[story.lang])]
    return sid


def _long(text: str) -> bool:
    """Long enough that even a near copy (one word dropped) must be caught."""
    flat = norm(text)
    if has_cjk(flat):  # the check counts two Chinese characters as a word
        return sum(1 for c in flat if has_cjk(c)) >= 13
    return len(flat.split()) >= 7


def _nudge(text: str) -> str:
    """A near copy: one word (or character) dropped, as a looping model would write it."""
    if has_cjk(text):
        cut = len(text) // 2
        return text[:cut] + text[cut + 1 :]
    words = text.split()
    k = max(range(1, len(words)), key=lambda i: (len(words[i]) <= 4, -abs(i - len(words) // 2)))
    return " ".join(words[:k] + words[k + 1 :])


def _near_duplicate_words(story: StoryView, rng: random.Random, variant: int) -> str:
    """Words only: a line or an action repeats an earlier one (variants 0, 1, 2)."""
    return _near_duplicate(story, rng, variant % 3)


def _near_duplicate_beat(story: StoryView, rng: random.Random, variant: int) -> str:
    """The outline: a beat repeats the previous beat."""
    return _near_duplicate(story, rng, 3)


def _near_duplicate(story: StoryView, rng: random.Random, variant: int) -> str:
    order = _order(story)
    if variant % 4 == 2:  # a scene's action repeats the previous one's
        j = _pick(rng, list(range(1, len(order))), "a second scene")
        order[j][2].action = _nudge(order[j - 1][2].action)
        return order[j][1]
    if variant % 4 == 3:  # an outline beat repeats the previous beat
        beats = [
            (e, k)
            for e in story.episodes
            for k in range(1, len(e.outline.scenes))
            if _long(e.outline.scenes[k - 1].beat)
        ]
        episode, k = _pick(rng, beats, "a long beat followed by another")
        episode.outline.scenes[k].beat = _nudge(episode.outline.scenes[k - 1].beat)
        return f"episode:{episode.number}"
    lines = [(j, n, line) for j, (_, _, s) in enumerate(order) for n, line in enumerate(s.lines)]
    pairs = [
        (a, b) for a in lines for b in lines if _long(a[2].text) and (b[0], b[1]) > (a[0], a[1])
    ]
    source, target = _pick(rng, pairs, "two lines")
    target[2].text = source[2].text if variant % 4 == 0 else _nudge(source[2].text)
    return order[target[0]][1]


def _wrong_language(story: StoryView, rng: random.Random, variant: int) -> str:
    _, sid, scene = _pick(rng, _order(story), "a scene")
    if variant % 3 == 2:
        scene.action = _FOREIGN_ACTION[story.lang]
    else:
        line = _pick(rng, scene.lines, "a line")
        line.text = _FOREIGN_LINES[story.lang][variant % 3]
    return sid


# Plants in the ledger or the outline (the data the words are checked against).
DATA_PLANTERS: dict[str, Plant] = {
    "absent_actor": _absent_actor,
    "knowledge_order": _knowledge_order,
    "prop_not_held": _prop_not_held,
    "unknown_name": _unknown_name,
    "time_backwards": _time_backwards,
    "setup_unpaid": _setup_unpaid,
    "missing_hook": _missing_hook,
    "missing_cliffhanger": _missing_cliffhanger,
    "emotion_jump": _emotion_jump,
    "near_duplicate": _near_duplicate_beat,
}
# Plants in the words only (lines, labels, action): ledger and outline untouched.
WORD_ONLY: dict[str, list[Plant]] = {
    **{k: list(v) for k, v in WORD_PLANTERS.items()},
    "sentiment_mismatch": [_sentiment_mismatch],
    "near_duplicate": [_near_duplicate_words],
    "wrong_language": [_wrong_language],
}
WORD_ONLY["absent_actor"] = [_absent_acting, *WORD_ONLY["absent_actor"]]
PLANTABLE = tuple(dict.fromkeys([*DATA_PLANTERS, *WORD_ONLY]))


def surface_for(kind: str, seed: int) -> str:
    """Where seed `seed` plants `kind`: half in the words, half in the data, when both exist."""
    if kind not in DATA_PLANTERS:
        return "words"
    if kind not in WORD_ONLY:
        return "data"
    return "words" if seed % 2 == 0 else "data"


def plant_defect(
    story: StoryView, kind: str, *, seed: int = 0, surface: str | None = None
) -> tuple[StoryView, str]:
    """A copy of `story` with one defect of `kind`, and the node id it should be reported on.

    The original is not changed. The seed picks the surface (words or data, see
    `surface_for`), the variant and the place.
    """
    if kind not in PLANTABLE:
        raise ValueError(f"no planter for {kind!r}; known: {', '.join(PLANTABLE)}")
    surface = surface or surface_for(kind, seed)
    spoiled = story.model_copy(deep=True)
    rng = random.Random(f"{kind}:{seed}:{surface}")
    if surface == "words":
        planters = WORD_ONLY[kind]
        node = planters[(seed // 2) % len(planters)](spoiled, rng, seed // 2)
    else:
        node = DATA_PLANTERS[kind](spoiled, rng, seed // 2 if kind in WORD_ONLY else seed)
    return spoiled, node
