"""Defects planted only in the words (lines, labels, action): the ledger and plan stay clean.

Since the ledger is built from the plan, what a model gets wrong lands in the words:
a line mourning someone who speaks later, an action at midnight in a noon scene, a
line calling to someone who is not there, a relation the bible denies, an action set
in another place. Each planter returns the node the defect lives in.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from reelwright.agents.checks.plan_view import ScenePlan, planned
from reelwright.agents.checks.setting import TIME_WORDS_EN, TIME_WORDS_ZH, in_range
from reelwright.agents.checks.text import Names, has_cjk
from reelwright.agents.craft import label_valence, relation_kinds, relation_words
from reelwright.agents.schemas import DialogueLine, StoryView

WordPlant = Callable[[StoryView, random.Random, int], str]
_STRANGERS = {
    "en": ["Marcus Bell", "Dora Quill", "Officer Grady"],
    "zh": ["王强", "李春生", "孙德海"],
}


def _scenes(story: StoryView) -> list[ScenePlan]:
    return list(planned(story, Names(story.bible)))


def _pick(rng: random.Random, items: list, what: str):  # type: ignore[no-untyped-def]
    if not items:
        raise ValueError(f"the story has no place to plant {what}")
    return items[rng.randrange(len(items))]


def _say(sp: ScenePlan, speaker: str, text: str, rng: random.Random, emotion: str) -> None:
    """Put a new line in the scene at a seeded place."""
    at = rng.randrange(len(sp.scene.lines) + 1)
    sp.scene.lines.insert(at, DialogueLine(speaker=speaker, text=text, emotion=emotion))
    del sp.scene.lines[12:]
    if all(line.text != text for line in sp.scene.lines):
        sp.scene.lines[-1] = DialogueLine(speaker=speaker, text=text, emotion=emotion)


def _absent_called(story: StoryView, rng: random.Random, variant: int) -> str:
    """A line calls to a bible character who is not in the scene."""
    names = Names(story.bible)
    options = [
        (sp, who)
        for sp in _scenes(story)
        for who in names.full
        if who not in sp.present and sp.scene.ledger.present
    ]
    sp, who = _pick(rng, options, "an absent character to call")
    form = names.forms(who)[variant % len(names.forms(who))]
    speaker = sp.scene.ledger.present[0]
    zh = has_cjk(form)
    text = (
        [f"{form}，你快出来！", f"你听见了吗，{form}？"][variant % 2]
        if zh
        else [f"{form}, come here and look at this!", f"Are you listening to me, {form}?"][
            variant % 2
        ]
    )
    _say(sp, speaker, text, rng, "紧张" if zh else "tense")
    return sp.sid


def _stranger_in_words(story: StoryView, rng: random.Random, variant: int) -> str:
    """A named stranger walks into the action, or is called to in a line."""
    sp = _pick(rng, [s for s in _scenes(story) if s.scene.ledger.present], "a scene")
    zh = story.lang == "zh"
    stranger = _pick(rng, _STRANGERS[story.lang], "a stranger")
    if variant % 2 == 0:
        act = f"{stranger}猛地推开门。" if zh else f"{stranger} walks in and shuts the door."
        sp.scene.action = (sp.scene.action.rstrip() + ("" if zh else " ") + act).strip()
    else:
        first = stranger if zh else stranger.split()[0]
        text = f"{first}，你怎么来了？" if zh else f"{first}, what are you doing here?"
        _say(sp, sp.scene.ledger.present[0], text, rng, "惊讶" if zh else "surprised")
    return sp.sid


def _mourned_alive(story: StoryView, rng: random.Random, variant: int) -> str:
    """A line mourns a character the plan keeps alive (often one who speaks later)."""
    names = Names(story.bible)
    options = [
        (sp, who)
        for sp in _scenes(story)
        for who in names.full
        if who not in sp.dead_before
        and sp.scene.ledger.present
        and not (sp.beat and who in sp.beat.dies)
        and [p for p in sp.scene.ledger.present if p != who]
    ]
    sp, who = _pick(rng, options, "a living character to mourn")
    speaker = next(p for p in sp.scene.ledger.present if p != who)
    form = names.forms(who)[-1]
    if has_cjk(form):
        text = [f"{form}已经死了，我还是不敢相信。", f"明天就是{form}的葬礼了。"][variant % 2]
        emotion = "悲伤"
    else:
        text = [f"I still can't believe {form} is dead.", f"We buried {form} this morning."][
            variant % 2
        ]
        emotion = "sad"
    _say(sp, speaker, text, rng, emotion)
    return sp.sid


def _secret_spoken(story: StoryView, rng: random.Random, variant: int) -> str:
    """A line states a bible secret before the scene the plan reveals it in."""
    scenes = _scenes(story)
    options = []
    for c in story.bible.characters:
        reveal = next((sp.index for sp in scenes if sp.beat and c.name in sp.beat.reveals), None)
        stop = len(scenes) if reveal is None else reveal
        options += [(sp, c) for sp in scenes[:stop] if sp.scene.ledger.present]
    sp, owner = _pick(rng, options, "a scene before a reveal")
    speaker = sp.scene.ledger.present[variant % len(sp.scene.ledger.present)]
    zh = has_cjk(owner.secret)
    text = f"我知道，{owner.secret}。" if zh else f"I know the truth: {owner.secret}."
    _say(sp, speaker, text, rng, "愤怒" if zh else "angry")
    return sp.sid


def _elsewhere(story: StoryView, rng: random.Random, variant: int) -> str:
    """The action sets the scene in another bible location than its heading."""
    options = [
        (sp, loc.name)
        for sp in _scenes(story)
        for loc in story.bible.locations
        if loc.name != sp.scene.location
    ]
    sp, place = _pick(rng, options, "another location")
    who = (sp.scene.ledger.present or ["Someone"])[0]
    if has_cjk(place):
        added = [f"在{place}上，风忽然停了。", f"{who}站在{place}，一动不动。"][variant % 2]
        sp.scene.action = added + sp.scene.action
    else:
        the = "" if place.split()[0][0].isupper() and len(place.split()) > 1 else "the "
        added = [
            f"At {the}{place}, the wind suddenly drops.",
            f"{who} stands alone on {the}{place}.",
        ][variant % 2]
        sp.scene.action = f"{added} {sp.scene.action}"
    return sp.sid


def _wrong_hour(story: StoryView, rng: random.Random, variant: int) -> str:
    """The action opens on a time word far from the planned hour."""
    sp = _pick(rng, _scenes(story), "a scene")
    zh = story.lang == "zh"
    table = TIME_WORDS_ZH if zh else TIME_WORDS_EN
    choices = ["午夜", "清晨", "中午", "黄昏"] if zh else ["midnight", "dawn", "noon", "dusk"]
    far = [w for w in choices if not in_range(sp.scene.ledger.hour, table[w])]
    word = far[variant % len(far)]
    if zh:
        sp.scene.action = [f"{word}，", f"已是{word}。"][variant % 2] + sp.scene.action
    elif variant % 2:
        sp.scene.action = f"It is {word}. {sp.scene.action}"
    else:
        sp.scene.action = f"At {word}, {sp.scene.action[:1].lower()}{sp.scene.action[1:]}"
    return sp.sid


def _false_kin(story: StoryView, rng: random.Random, variant: int) -> str:
    """A line claims a family tie between two present characters that the bible denies."""
    names = Names(story.bible)
    kinds = relation_kinds()
    related = {(names.resolve(r.a), names.resolve(r.b)) for r in story.bible.relations}
    options = [
        (sp, a, b)
        for sp in _scenes(story)
        for a in sp.scene.ledger.present
        for b in sp.scene.ledger.present
        if a != b and (a, b) not in related and (b, a) not in related
    ]
    if not story.bible.relations:
        raise ValueError("the bible has no relations to contradict")
    sp, speaker, other = _pick(rng, options, "two unrelated characters together")
    kind = ["brother", "sister", "son", "father"][variant % 4]
    assert kinds[kind]["family"]
    if story.lang == "zh":
        word = next(w for w, k in relation_words("zh").items() if k == kind and len(w) == 2)
        text = f"{other}是我{word}，谁也别想动他。"
        emotion = "坚定"
    else:
        form = names.forms(other)[-1]
        text = f"{form} is my {kind}, and nobody touches family."
        emotion = "determined"
    _say(sp, speaker, text, rng, emotion)
    return sp.sid


def _labels_flipped(story: StoryView, rng: random.Random, variant: int) -> str:
    """Every line of one speaker labelled against the speaker's planned feeling."""
    names = Names(story.bible)
    options = []
    for sp in _scenes(story):
        if sp.beat is None:
            continue
        for f in sp.beat.feelings:
            strong = min(abs(f.start_valence), abs(f.end_valence)) >= 0.5
            if strong and f.start_valence * f.end_valence > 0:
                if any(names.resolve(line.speaker) == f.name for line in sp.scene.lines):
                    options.append((sp, f))
    sp, f = _pick(rng, options, "a speaker with a strong planned feeling")
    zh = story.lang == "zh"
    label = ("暴怒" if zh else "furious") if f.end_valence > 0 else ("狂喜" if zh else "elated")
    assert label_valence(label) * f.end_valence < 0
    for line in sp.scene.lines:
        if names.resolve(line.speaker) == f.name:
            line.emotion = label
    return sp.sid


def _monologue(story: StoryView, rng: random.Random, variant: int) -> str:
    """Two or more are present, but one of them speaks every line."""
    options = [
        sp
        for sp in _scenes(story)
        if len(sp.scene.ledger.present) >= 2 and len({ln.speaker for ln in sp.scene.lines}) >= 2
    ]
    sp = _pick(rng, options, "a scene with two speakers")
    speaker = sp.scene.lines[variant % len(sp.scene.lines)].speaker
    for line in sp.scene.lines:
        line.speaker = speaker
    return sp.sid


WORD_PLANTERS: dict[str, list[WordPlant]] = {
    "absent_actor": [_absent_called],
    "unknown_name": [_stranger_in_words],
    "status_contradiction": [_mourned_alive],
    "secret_early": [_secret_spoken],
    "wrong_place": [_elsewhere],
    "time_mismatch": [_wrong_hour],
    "relation_mismatch": [_false_kin],
    "emotion_off_plan": [_labels_flipped],
    "thin_scene": [_monologue],
}
