"""Builders for the clean fixture series: short helpers so a scene reads like a script."""

from __future__ import annotations

from typing import Any


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
