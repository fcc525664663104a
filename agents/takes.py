"""What the director asks the model for: the look of shots whose coverage code already fixed.

Compact on purpose: one short array per shot, so a small model spends its tokens
on taste, not on keys. A reply that breaks a rule is repaired here (unknown words
mapped to the nearest allowed value, missing shots filled, extra shots dropped),
never sent back to the model.

Two forms: takes (size, angle, move, a few words of framing and acting) for a model
whose words are worth reading, looks (size, angle, move only) for the embedded one,
whose framing and acting words copied the action and the lines in every shot of the
measured runs: tokens spent on words the director then dropped.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, get_args

from pydantic import BaseModel, Field, StringConstraints, create_model, field_validator

from .schemas import Angle, Move, ShotSize

# Caps the grammar enforces: a few words each, so a reply is about 30 tokens a shot.
FRAME_CHARS, ACTING_CHARS = 40, 24
Frame = Annotated[str, StringConstraints(max_length=FRAME_CHARS)]
Acting = Annotated[str, StringConstraints(max_length=ACTING_CHARS)]
Take = tuple[ShotSize, Angle, Move, Frame, Acting]
Look = tuple[ShotSize, Angle, Move]

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
LOOKS_HELP = "One entry per numbered shot, in order: [size, angle, move]"


class Takes(BaseModel):
    """Per numbered shot, in order: [size, angle, move, frame, acting]."""

    count: ClassVar[int] = 0
    words: ClassVar[bool] = True  # False: looks only, [size, angle, move]
    shots: list[Take] = Field(description=SHOTS_HELP)

    @field_validator("shots", mode="before")
    @classmethod
    def _repair(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        repaired = [repair_take(item) for item in value]
        takes = fit_count(repaired, cls.count) if cls.count else repaired
        return takes if cls.words else [take[:3] for take in takes]


def takes_schema(count: int, *, words: bool = True) -> type[Takes]:
    """The reply schema for exactly `count` shots: the grammar cannot miscount, and a
    remote model that does is repaired in code (extra dropped, missing filled)."""
    item, help_text = (Take, SHOTS_HELP) if words else (Look, LOOKS_HELP)
    schema: type[Takes] = create_model(
        "Takes",
        __base__=Takes,
        shots=(list[item], Field(min_length=count, max_length=count, description=help_text)),  # type: ignore[valid-type]
    )
    schema.count, schema.words = count, words
    return schema


def full_take(look: tuple[str, ...]) -> Take:
    """A look or a take as a take: a look has no framing or acting words."""
    return (*look, "", "")[:5]  # type: ignore[return-value]


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
