"""What the director asks the model for: the look of shots whose coverage code already fixed.

Compact on purpose: one short array per shot, so a small model spends its tokens
on taste, not on keys. A reply that breaks a rule is repaired here (unknown words
mapped to the nearest allowed value, missing shots filled, extra shots dropped),
never sent back to the model.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, get_args

from pydantic import BaseModel, Field, StringConstraints, create_model, field_validator

from .schemas import Angle, Move, ShotSize

FRAME_CHARS, ACTING_CHARS = 70, 40
Frame = Annotated[str, StringConstraints(max_length=FRAME_CHARS)]
Acting = Annotated[str, StringConstraints(max_length=ACTING_CHARS)]
Take = tuple[ShotSize, Angle, Move, Frame, Acting]

SIZES: tuple[str, ...] = get_args(ShotSize)
ANGLES: tuple[str, ...] = get_args(Angle)
MOVES: tuple[str, ...] = get_args(Move)
SIZE_WORDS = {
    "extreme close": "ECU",
    "medium close": "MCU",
    "close": "CU",
    "medium": "MS",
    "extreme wide": "EWS",
    "wide": "WS",
    "long": "WS",
    "full": "WS",
    "establishing": "EWS",
}
DEFAULT_TAKE: tuple[str, str, str, str, str] = ("MCU", "eye level", "static", "", "")


SHOTS_HELP = (
    "One entry per numbered shot, in order: [size, angle, move, "
    "what the frame shows (a few words), note to the actor (a few words)]"
)


class Takes(BaseModel):
    """Per numbered shot, in order: [size, angle, move, frame, acting]."""

    count: ClassVar[int] = 0
    shots: list[Take] = Field(description=SHOTS_HELP)

    @field_validator("shots", mode="before")
    @classmethod
    def _repair(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        takes = [repair_take(item) for item in value]
        return fit_count(takes, cls.count) if cls.count else takes


def takes_schema(count: int) -> type[Takes]:
    """The reply schema for exactly `count` shots: the grammar cannot miscount, and a
    remote model that does is repaired in code (extra dropped, missing filled)."""
    schema: type[Takes] = create_model(
        "Takes",
        __base__=Takes,
        shots=(list[Take], Field(min_length=count, max_length=count, description=SHOTS_HELP)),
    )
    schema.count = count
    return schema


def repair_take(item: Any) -> tuple[str, str, str, str, str]:
    """Any 5-ish array or object becomes a legal take; what cannot be read gets the default."""
    if isinstance(item, dict):
        item = [item.get(k, "") for k in ("size", "angle", "move", "frame", "acting")]
    if not isinstance(item, list | tuple):
        item = [str(item)]
    words = [str(x).strip() for x in item] + [""] * 5
    return (
        _size(words[0]),
        _pick(words[1], ANGLES, DEFAULT_TAKE[1]),
        _pick(words[2], MOVES, DEFAULT_TAKE[2]),
        words[3][:FRAME_CHARS],
        words[4][:ACTING_CHARS],
    )


def fit_count(takes: list[tuple[str, str, str, str, str]], count: int) -> list[Take]:
    """Exactly `count` takes: extra ones dropped, missing ones get the default look."""
    out = [*takes[:count]]
    out += [DEFAULT_TAKE] * (count - len(out))
    return out  # type: ignore[return-value]


def _size(word: str) -> str:
    upper = word.upper().replace("-", "").replace(" ", "")
    if upper in SIZES:
        return upper
    lower = word.lower().replace("-", " ")
    for phrase, size in SIZE_WORDS.items():
        if phrase in lower:
            return size
    return DEFAULT_TAKE[0]


def _pick(word: str, allowed: tuple[str, ...], default: str) -> str:
    lower = word.lower().replace("-", " ").replace("_", " ")
    if lower in allowed:
        return lower
    for option in allowed:
        if option.split()[0] in lower:
            return option
    return default
