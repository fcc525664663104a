"""Continuity checks over the state ledger: who is there, who knows, who holds, when.

Each check walks the scenes in story order and reports the scene where the
contradiction shows, quoting the text (a line, a sentence, a ledger value) to change.
"""

from __future__ import annotations

import re

from ..schemas import CharacterState, Issue, Scene, StoryView
from .text import (
    CJK_RE,
    Names,
    episode_node,
    issue,
    placeholder,
    same_fact,
    same_item,
    scenes_in_order,
    sentence_around,
)

_OFFSCREEN = re.compile(
    r"\b(v\.?\s?o|o\.?\s?s|o\.?\s?c|voice|phone|radio|recording|intercom|off)\b"
    r"|电话|画外音|旁白|广播|对讲|录音|语音",
    re.IGNORECASE,
)
# English subject position: start, after sentence punctuation, a comma or a conjunction.
_EN_BEFORE = re.compile(
    r"(?:[.!?;:\"“”—]\s*|,\s+|\b(?:and|then|while|as|but|when|until|before|after|so)\s+)$",
    re.IGNORECASE,
)
_EN_PAIR_BEFORE = re.compile(r"[A-Z][\w'’-]*\s+and\s+$")
_EN_AFTER = re.compile(
    r"(?P<pair>\s+and\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)?\s+(?:[a-z]+ly\s+)?(?P<verb>[a-z]+)\b"
)
_NOT_VERBS = frozenset(
    "is was has his hers its this thus us as yes less always perhaps sometimes seems remains "
    "lies appears means does goes was were are be been the a an of to in on at and or".split()
)
_ZH_BEFORE = '。！？；，、：“”‘’"…—\n '
_ZH_NOT_AFTER = "的之不已曾死生们家"


def _offscreen(speaker: str, parenthetical: str) -> bool:
    """A voice over, a phone or radio call: the speaker need not be in the room."""
    return _OFFSCREEN.search(f"{speaker} {parenthetical}") is not None


def _acting(text: str, form: str) -> tuple[int, int] | None:
    """Span of `form` used as the subject of an action in `text`, if it is."""
    if CJK_RE.search(form):
        start = 0
        while (i := text.find(form, start)) >= 0:
            start = i + len(form)
            before_ok = i == 0 or text[i - 1] in _ZH_BEFORE
            nxt = text[start : start + 1]
            if before_ok and nxt and CJK_RE.match(nxt) and nxt not in _ZH_NOT_AFTER:
                return i, start
        return None
    spelled = f"(?:{re.escape(form)}|{re.escape(form.upper())})"  # screenplays cap new names
    for m in re.finditer(rf"(?<![\w'’]){spelled}(?![\w'’])", text):
        prefix = text[: m.start()]
        if prefix.strip() and not _EN_BEFORE.search(prefix):
            continue
        after = _EN_AFTER.match(text, m.end())
        if after is None:
            continue
        verb = after.group("verb")
        if verb in _NOT_VERBS:
            continue
        pair = after.group("pair") or _EN_PAIR_BEFORE.search(prefix)
        if pair or (verb.endswith("s") and not verb.endswith("ss")):
            return m.start(), m.end()
        if verb.endswith("ed"):
            return m.start(), m.end()
    return None


def check_absent_actor(story: StoryView, names: Names) -> list[Issue]:
    """A character speaks or acts while dead (in an earlier scene) or not in `present`."""
    out: list[Issue] = []
    dead: set[str] = set()
    for _, sid, scene in scenes_in_order(story):
        present = {names.ident(p) for p in scene.ledger.present}
        listed = ", ".join(scene.ledger.present) or "nobody"
        flagged: set[str] = set()
        for line in scene.lines:
            who = names.ident(line.speaker)
            if who in flagged or _offscreen(line.speaker, line.parenthetical):
                continue
            if who in dead:
                flagged.add(who)
                fix = f"{line.speaker} died earlier; give this line to someone alive in {sid}."
                out.append(issue(sid, "absent_actor", "high", line.text, fix))
            elif who not in present:
                flagged.add(who)
                fix = (
                    f"Add {line.speaker} to ledger.present of {sid} (and a character state), "
                    f"or give this line to one of: {listed}."
                )
                out.append(issue(sid, "absent_actor", "high", line.text, fix))
        for canonical in names.full:
            if canonical in flagged or (canonical in present and canonical not in dead):
                continue
            for form in names.forms(canonical):
                span = _acting(scene.action, form)
                if span is None:
                    continue
                why = "died earlier" if canonical in dead else f"is not in {sid}'s ledger.present"
                fix = f"{canonical} {why}: rewrite the action without them or add them to present."
                evidence = sentence_around(scene.action, *span)
                out.append(issue(sid, "absent_actor", "high", evidence, fix))
                break
        dead |= {names.ident(c.name) for c in scene.ledger.characters if c.status == "dead"}
    return out


def check_knowledge_order(story: StoryView, names: Names) -> list[Issue]:
    """A character knows a fact in a scene before the scene where they learn it."""
    learned: dict[str, list[tuple[int, str, str]]] = {}
    knowing: list[tuple[int, str, str, CharacterState]] = []
    for index, (_, sid, scene) in enumerate(scenes_in_order(story)):
        for state in scene.ledger.characters:
            who = names.ident(state.name)
            knowing.append((index, sid, who, state))
            learned.setdefault(who, []).extend((index, sid, fact) for fact in state.learns)
    out: list[Issue] = []
    for index, sid, who, state in knowing:
        for fact in dict.fromkeys(state.knows):
            first = min(
                ((j, at) for j, at, f in learned.get(who, []) if same_fact(fact, f)), default=None
            )
            if first is None or first[0] <= index:
                continue
            fix = (
                f"{state.name} only learns this in {first[1]}: drop it from their knows in {sid}, "
                f"or move the learning to {sid} or earlier."
            )
            out.append(issue(sid, "knowledge_order", "high", fact, fix))
    return out


def check_prop_not_held(story: StoryView, names: Names) -> list[Issue]:
    """A prop is used that no present character holds now or held in their previous scene."""
    last_holds: dict[str, list[str]] = {}
    out: list[Issue] = []
    for _, sid, scene in scenes_in_order(story):
        present = {names.ident(p) for p in scene.ledger.present}
        states = {names.ident(c.name): c for c in scene.ledger.characters}
        available = [h for who in present if who in states for h in states[who].holds]
        available += [h for who in present for h in last_holds.get(who, [])]
        for prop in scene.ledger.props_used:
            if placeholder(prop) or any(same_item(prop, held) for held in available):
                continue
            fix = (
                f"Put '{prop}' in the holds of a present character in {sid} (or in their "
                f"previous scene), or drop it from props_used and the action."
            )
            out.append(issue(sid, "prop_not_held", "medium", prop, fix))
        for who, state in states.items():
            last_holds[who] = list(state.holds)
    return out


def check_unknown_name(story: StoryView, names: Names) -> list[Issue]:
    """A cue, a ledger name or an outline beat name that is not a bible character."""
    cast = ", ".join(names.full)
    out: list[Issue] = []
    done: set[tuple[str, str]] = set()

    def flag(node: str, name: str, severity: str) -> None:
        if names.known(name) or (node, name) in done or placeholder(name):
            return
        done.add((node, name))
        fix = f"Replace '{name}' with a bible character ({cast}) or add them to the bible."
        out.append(issue(node, "unknown_name", severity, name, fix))

    for episode in story.episodes:
        for beat in episode.outline.scenes:
            for name in beat.characters:
                flag(episode_node(episode), name, "medium")
    for _, sid, scene in scenes_in_order(story):
        for line in scene.lines:
            flag(sid, line.speaker, "high")
        for name in scene.ledger.present + [c.name for c in scene.ledger.characters]:
            flag(sid, name, "medium")
    return out


def _when(scene: Scene) -> tuple[int, int]:
    return scene.ledger.day, scene.ledger.hour


def check_time_backwards(story: StoryView, names: Names) -> list[Issue]:
    """In-story (day, hour) earlier than the scene before it in story order."""
    out: list[Issue] = []
    previous: tuple[str, Scene] | None = None
    for _, sid, scene in scenes_in_order(story):
        if previous is not None and _when(scene) < _when(previous[1]):
            prev_sid, prev = previous
            evidence = f'"day": {scene.ledger.day}, "hour": {scene.ledger.hour}'
            fix = (
                f"{prev_sid} is day {prev.ledger.day} hour {prev.ledger.hour}; set {sid} to that "
                "time or later, or mark it as a flashback and reorder the scenes."
            )
            out.append(issue(sid, "time_backwards", "high", evidence, fix))
        previous = (sid, scene)
    return out


def check_setup_unpaid(story: StoryView, names: Names) -> list[Issue]:
    """A setup opened in some scene and never paid off in that scene or a later one."""
    order = list(scenes_in_order(story))
    out: list[Issue] = []
    for i, (_, sid, scene) in enumerate(order):
        for setup in scene.ledger.setups_opened:
            paid = any(
                same_item(setup, p) for _, _, later in order[i:] for p in later.ledger.setups_paid
            )
            if not paid:
                fix = (
                    f"Pay off '{setup}' in a later scene (list it in setups_paid there) "
                    f"or drop it from setups_opened in {sid}."
                )
                out.append(issue(sid, "setup_unpaid", "medium", setup, fix))
    return out
