"""Builders for the clean fixture series: short helpers so a scene reads like a script."""

from __future__ import annotations

from typing import Any

from reelwright.agents.schemas import PlannedFeeling, StoryView


def state(name: str, feel: tuple[str, float, float], **extra: Any) -> dict[str, Any]:
    label, valence, intensity = feel
    return {
        "name": name,
        "feels": {"label": label, "valence": valence, "intensity": intensity},
        **extra,
    }


def line(speaker: str, text: str, emotion: str) -> dict[str, str]:
    return {"speaker": speaker, "text": text, "emotion": emotion}


def scene(
    where: tuple[str, bool, str, int, int],
    action: str,
    lines: list[dict[str, str]],
    states: list[dict[str, Any]],
    cause: str = "",
    **ledger: Any,
) -> dict[str, Any]:
    location, interior, time_of_day, day, hour = where
    return {
        "interior": interior,
        "location": location,
        "time_of_day": time_of_day,
        "action": action,
        "lines": lines,
        "cause": cause,
        "ledger": {
            "present": [s["name"] for s in states],
            "location": location,
            "day": day,
            "hour": hour,
            "characters": states,
            **ledger,
        },
    }


def beat(
    location: str,
    interior: bool,
    time_of_day: str,
    who: list[str],
    what: str,
    turn: str,
    emo: tuple[str, float],
) -> dict[str, Any]:
    return {
        "location": location,
        "interior": interior,
        "time_of_day": time_of_day,
        "characters": who,
        "beat": what,
        "turn": turn,
        "target_emotion": emo[0],
        "target_valence": emo[1],
    }


def character(name: str, age: int, gender: str, *fields: str) -> dict[str, Any]:
    keys = ("role", "want", "flaw", "secret", "look", "voice")
    return {"name": name, "age": age, "gender": gender, **dict(zip(keys, fields, strict=True))}


def with_plan(story: StoryView) -> StoryView:
    """Fill each outline beat's plan (time, cast, feelings, deaths) from the hand-written ledgers.

    The writer derives ledgers from the plan; the fixtures were written ledger first,
    so the plan is read back from them and the two agree by construction.
    """
    last: dict[str, tuple[str, float]] = {}
    for episode in sorted(story.episodes, key=lambda e: e.number):
        for k, sc in enumerate(episode.scenes.values()):
            if k >= len(episode.outline.scenes):
                break
            b = episode.outline.scenes[k]
            b.day, b.hour = sc.ledger.day, sc.ledger.hour
            b.characters = list(sc.ledger.present)
            b.feelings = []
            for st in sc.ledger.characters:
                start = last.get(st.name, (st.feels.label, st.feels.valence))
                b.feelings.append(
                    PlannedFeeling(
                        name=st.name,
                        start=start[0],
                        start_valence=start[1],
                        end=st.feels.label,
                        end_valence=st.feels.valence,
                    )
                )
                last[st.name] = (st.feels.label, st.feels.valence)
            b.dies = [st.name for st in sc.ledger.characters if st.status == "dead"]
    return story
