"""The outline is the contract: turn the model's compact outline into a checked plan.

The model names places, hours, who is there, feelings as words, what is learned,
what changes hands and who is hurt or dies. Code repairs what a small model gets
wrong (time running backwards, the dead walking in, feelings that swing with no
cause, placeholders such as "nothing" or "unknown") and derives every scene's ledger
from the plan, so the checks compare the words with one fixed set of facts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from .checks.text import Names, has_cjk, item_tokens, named, norm, placeholder
from .craft import CraftChoice, label_valence, one_word
from .schemas import (
    BeatDraft,
    Bible,
    CharacterState,
    Feeling,
    Ledger,
    Outline,
    OutlineDraft,
    PlannedFeeling,
    PropMove,
    SceneBeat,
    TimeOfDay,
)

SWING_WITHOUT_CAUSE = 1.0  # |end - start| valence allowed when the turn names no cause
CARRY_OVER = 0.6  # a start feeling this far from the last scene's end is reset to it


def time_of_day(hour: int) -> TimeOfDay:
    if 5 <= hour <= 7:
        return "DAWN"
    if 8 <= hour <= 16:
        return "DAY"
    if 17 <= hour <= 19:
        return "DUSK"
    return "NIGHT"


@dataclass
class StoryState:
    """What is true after the scenes walked so far: time, the dead, feelings, knowledge, props."""

    day: int = 1
    hour: int = -1
    dead: set[str] = field(default_factory=set)
    feels: dict[str, tuple[str, float]] = field(default_factory=dict)
    knows: dict[str, list[str]] = field(default_factory=dict)
    holds: dict[str, list[str]] = field(default_factory=dict)
    revealed: set[str] = field(default_factory=set)

    def apply(self, beat: SceneBeat, bible: Bible) -> dict[str, list[str]]:
        """Advance past one planned scene; returns what each present character learns there."""
        self.day, self.hour = beat.day, beat.hour
        facts = scene_facts(beat, bible)
        learned: dict[str, list[str]] = {}
        for who in beat.characters:
            known = self.knows.setdefault(who, [])
            learned[who] = [f for f in facts if f not in known]
            known += learned[who]
        for move in beat.gives:
            for items in self.holds.values():
                items[:] = [i for i in items if norm(i) != norm(move.item)]
            self.holds.setdefault(move.to, []).append(move.item)
        for f in beat.feelings:
            self.feels[f.name] = (f.end, f.end_valence)
        self.revealed |= set(beat.reveals)
        self.dead |= set(beat.dies)
        return learned


def scene_facts(beat: SceneBeat, bible: Bible) -> list[str]:
    """What the scene makes known: its reveal and any bible secret it brings out."""
    facts = [beat.reveal] if beat.reveal.strip() else []
    secrets = {c.name: c.secret for c in bible.characters}
    facts += [secrets[name] for name in beat.reveals if name in secrets]
    return list(dict.fromkeys(facts))


def state_before(outlines: list[Outline], bible: Bible) -> StoryState:
    """The story state after every scene of the given (earlier) outlines."""
    state = StoryState()
    for outline in outlines:
        for beat in outline.scenes:
            state.apply(beat, bible)
    return state


def secret_owner(text: str, bible: Bible) -> list[str]:
    """Characters whose bible secret a reveal text states (most of the secret's words)."""
    owners = []
    said = item_tokens(text)
    for c in bible.characters:
        secret = item_tokens(c.secret)
        if secret and len(secret & said) >= max(2, round(0.6 * len(secret))):
            owners.append(c.name)
    return owners


def _feeling(draft: BeatDraft, who: str, names: Names) -> tuple[str, str] | None:
    for f in draft.feelings:
        if names.resolve(f.name) == who:
            return one_word(f.start) or "calm", one_word(f.end) or one_word(f.start) or "calm"
    return None


def _names(raw: list[str], names: Names, alive: set[str] | None = None) -> list[str]:
    out = []
    for text in raw:
        if placeholder(text):
            continue
        who = names.resolve(text) or _prefix_name(text, names)
        if who and (alive is None or who in alive):
            out.append(who)
    return list(dict.fromkeys(out))


def _prefix_name(text: str, names: Names) -> str | None:
    """'Hannah (35)' or 'James: wants...' -> the bible name it starts with."""
    stripped = text.strip()
    for name in sorted(names.full, key=len, reverse=True):
        if stripped.startswith(name) and not stripped[len(name) : len(name) + 1].isalnum():
            return name
    return None


def build_outline(
    draft: OutlineDraft,
    bible: Bible,
    craft: CraftChoice,
    earlier: list[Outline],
    locations: list[str],
    nearest: object,
) -> tuple[Outline, list[str]]:
    """The repaired plan for one episode, and a note for every repair made."""
    names = Names(bible)
    state = state_before(earlier, bible)
    notes: list[str] = []
    beats: list[SceneBeat] = []
    alive_all = {c.name for c in bible.characters} - state.dead
    for i, d in enumerate(draft.scenes, 1):
        cast = _names(d.characters, names, alive_all - state.dead)
        dropped = [n for n in _names(d.characters, names) if n in state.dead]
        if dropped:
            notes.append(f"scene {i}: {', '.join(dropped)} died earlier; taken out of the cast")
        # who the beat itself names is there: "Sarah enters" in a scene cast as Charlie
        # alone sets every line of it against the plan
        for who in sorted(named(f"{d.beat} {d.turn}", names) & (alive_all - state.dead)):
            if who not in cast:
                cast.append(who)
                notes.append(f"scene {i}: the beat names {who}; {who} is there")
        if not cast:
            living = [c.name for c in bible.characters if c.name not in state.dead]
            cast = living[:1]
            notes.append(f"scene {i}: nobody living was cast; {cast[0]} is there")
        hour = max(0, min(23, d.hour))
        day = state.day
        if state.hour >= 0 and hour < state.hour:
            day += 1
            notes.append(f"scene {i}: hour {hour} is before {state.hour}; moved to the next day")
        feelings: list[PlannedFeeling] = []
        for who in cast:
            start, end = _feeling(d, who, names) or ("calm", "calm")
            sv, ev = label_valence(start), label_valence(end)
            before = state.feels.get(who)
            if before and abs(sv - before[1]) > CARRY_OVER:
                notes.append(f"scene {i}: {who} starts as {before[0]}, as the last scene ended")
                start, sv = before
            if abs(ev - sv) > SWING_WITHOUT_CAUSE and placeholder(d.turn):
                notes.append(f"scene {i}: {who}'s swing {start}->{end} has no cause; softened")
                end, ev = start, sv
            feelings.append(
                PlannedFeeling(name=who, start=start, start_valence=sv, end=end, end_valence=ev)
            )
        reveal = "" if placeholder(d.reveal) else d.reveal.strip()
        if reveal and all(reveal in state.knows.get(w, []) for w in cast):
            notes.append(f"scene {i}: '{reveal}' is already known; not a reveal")
            reveal = ""
        reveals = [n for n in secret_owner(reveal, bible) if n not in state.revealed]
        gives = []
        for move in d.gives:
            if placeholder(move.item):
                continue
            to = (_names([move.to], names) or [""])[0]
            if to not in cast:
                notes.append(f"scene {i}: {move.item} goes to {cast[0]}, who is there")
                to = cast[0]
            gives.append(PropMove(item=move.item.strip(), to=to))
        lead = feelings[0] if feelings else None
        beat = SceneBeat(
            location=nearest(d.location, locations),  # type: ignore[operator]
            interior=d.interior,
            time_of_day=time_of_day(hour),
            characters=cast,
            beat=d.beat.strip(),
            turn="" if placeholder(d.turn) else d.turn.strip(),
            target_emotion=lead.end if lead else "calm",
            target_valence=round(sum(f.end_valence for f in feelings) / len(feelings), 2)
            if feelings
            else 0.0,
            day=day,
            hour=hour,
            feelings=feelings,
            reveal=reveal,
            reveals=reveals,
            gives=gives,
            hurt=[n for n in _names(d.hurt, names) if n in cast],
            dies=[n for n in _names(d.dies, names) if n in cast],
            step=craft.steps[i - 1] if i <= len(craft.steps) else "",
        )
        beats.append(beat)
        state.apply(beat, bible)
    outline = Outline(
        title=draft.title,
        hook=draft.hook,
        cliffhanger=draft.cliffhanger,
        scenes=beats,
        pattern=craft.pattern,
        hook_kind=craft.hook_kind,
        cliffhanger_kind=craft.cliffhanger_kind,
    )
    return outline, notes


def walk(
    outlines: list[Outline], bible: Bible
) -> Iterator[tuple[int, int, SceneBeat, StoryState, dict[str, list[str]]]]:
    """(episode, scene, beat, state after it, what each learned there), in story order."""
    state = StoryState()
    for ep, outline in enumerate(outlines, 1):
        for sc, beat in enumerate(outline.scenes, 1):
            learned = state.apply(beat, bible)
            yield ep, sc, beat, state, learned


def ledger_for(outlines: list[Outline], ep: int, sc: int, bible: Bible) -> Ledger:
    """A scene's ledger derived from the plan: the model never invents it."""
    wants = {c.name: c.want for c in bible.characters}
    for e, s, beat, state, learned in walk(outlines, bible):
        if (e, s) != (ep, sc):
            continue
        feels = {f.name: f for f in beat.feelings}
        states = []
        for who in beat.characters:
            f = feels.get(who)
            label, valence = (f.end, f.end_valence) if f else ("calm", 0.0)
            status: Literal["alive", "hurt", "dead"] = (
                "dead" if who in beat.dies else "hurt" if who in beat.hurt else "alive"
            )
            states.append(
                CharacterState(
                    name=who,
                    knows=list(state.knows.get(who, [])),
                    learns=learned.get(who, []),
                    holds=list(state.holds.get(who, [])),
                    wants=wants.get(who, ""),
                    feels=Feeling(
                        label=label,
                        valence=valence,
                        intensity=round(min(1.0, 0.3 + 0.6 * abs(valence)), 2),
                    ),
                    status=status,
                )
            )
        return Ledger(
            present=list(beat.characters),
            location=beat.location,
            day=beat.day,
            hour=beat.hour,
            characters=states,
            props_used=[g.item for g in beat.gives],
        )
    raise KeyError(f"no scene {ep}.{sc} in the plan")


def breath_limit(text: str) -> bool:
    """Whether a line can be spoken in one breath (about 14 words or 24 characters)."""
    if has_cjk(text):
        return len([c for c in text if c.isalnum()]) <= 24
    return len(text.split()) <= 14


def state_at(outlines: list[Outline], ep: int, sc: int, bible: Bible) -> StoryState:
    """The story state just before scene `sc` of episode `ep`."""
    state = StoryState()
    for e, outline in enumerate(outlines, 1):
        for s, beat in enumerate(outline.scenes, 1):
            if (e, s) == (ep, sc):
                return state
            state.apply(beat, bible)
    return state
