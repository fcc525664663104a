"""The drama artifacts: the payloads agents write into plan nodes.

These are the typed boundary between agents. Field descriptions are sent to the
model inside the JSON schema, so they are written as instructions.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, Field, JsonValue, create_model

from reelwright.ids import slugify

__all__ = ["slugify"]

Lang = Literal["en", "zh"]
TimeOfDay = Literal["DAY", "NIGHT", "DAWN", "DUSK"]
ShotSize = Literal["ECU", "CU", "MCU", "MS", "WS", "EWS"]
Angle = Literal["eye level", "high", "low", "overhead", "dutch"]
Move = Literal["static", "push in", "pull out", "pan", "tilt", "handheld"]
Transition = Literal["cut", "dissolve", "fade"]
ScreenPosition = Literal["left", "center", "right"]


# --- the series bible -------------------------------------------------------


class Character(BaseModel):
    name: str = Field(description="Full name as it appears in dialogue cues")
    age: int = Field(description="Age in years")
    gender: Literal["female", "male", "other"]
    role: str = Field(description="Role in the story, e.g. protagonist, rival")
    want: str = Field(description="What the character wants")
    flaw: str = Field(description="The flaw that gets in the way")
    secret: str = Field(description="What the character hides")
    look: str = Field(description="Fixed visual words reused in every shot: face, hair, clothes")
    voice: str = Field(description="How the character speaks")


class Location(BaseModel):
    name: str
    look: str = Field(description="Visual words for the place: materials, colours, light")


class Relation(BaseModel):
    """`a` is the `kind` of `b`: ("Mei", "mother", "Lin Hai") reads "Mei is Lin Hai's mother"."""

    a: str = Field(description="A character name")
    kind: str = Field(
        description="One word: mother, father, son, daughter, brother, sister, "
        "wife, husband, lover, friend, rival, boss, creditor"
    )
    b: str = Field(description="Another character name")


class Bible(BaseModel):
    title: str
    logline: str
    genre: str
    tone: str
    characters: list[Character] = Field(min_length=2, max_length=6)
    locations: list[Location] = Field(min_length=1, max_length=6)
    arc: str = Field(description="The series arc from first episode to last")
    relations: list[Relation] = Field(
        default_factory=list, max_length=8, description="How the characters are related"
    )


# --- episode outlines ---------------------------------------------------------


class PlannedFeeling(BaseModel):
    """A present character's feeling at a scene's start and end (valence -1..1, set in code)."""

    name: str
    start: str
    start_valence: float = 0.0
    end: str
    end_valence: float = 0.0


class PropMove(BaseModel):
    item: str = Field(description="The prop, two or three words")
    to: str = Field(description="Who holds it after this scene")


class SceneBeat(BaseModel):
    """One scene of the plan: the facts its words must honour (the contract)."""

    location: str = Field(description="One of the bible's location names")
    interior: bool = Field(description="True for INT, false for EXT")
    time_of_day: TimeOfDay
    characters: list[str] = Field(description="Bible names of the characters in the scene")
    beat: str = Field(description="What happens in the scene, one or two sentences")
    turn: str = Field(description="What changes by the scene's end (the cause of any shift)")
    target_emotion: str = Field(description="Dominant emotion the audience should feel")
    target_valence: float = Field(description="Target emotional valence, from -1 to 1")
    # the plan's facts, filled and repaired in code (defaults keep old payloads valid)
    day: int = 1
    hour: int = 12
    feelings: list[PlannedFeeling] = Field(default_factory=list)
    reveal: str = ""
    reveals: list[str] = Field(
        default_factory=list, description="Characters whose bible secret comes out here"
    )
    gives: list[PropMove] = Field(default_factory=list)
    hurt: list[str] = Field(default_factory=list)
    dies: list[str] = Field(default_factory=list)
    step: str = Field(default="", description="The craft pattern's step this scene plays")


class Outline(BaseModel):
    title: str
    hook: str = Field(description="What grabs the viewer in the first 3 seconds")
    cliffhanger: str = Field(description="The unresolved moment that ends the episode")
    scenes: list[SceneBeat] = Field(min_length=1, max_length=6)
    pattern: str = ""
    hook_kind: str = ""
    cliffhanger_kind: str = ""


# --- what the model is asked for (compact: a 1.5B model writes ~5 tokens a second) ----


class FeelingDraft(BaseModel):
    name: str
    start: str = Field(description="One word")
    end: str = Field(description="One word")


class BeatDraft(BaseModel):
    location: str = Field(description="One of the locations")
    interior: bool
    hour: int = Field(description="In-story hour 0-23")
    characters: list[str] = Field(description="Names of who is there")
    beat: str = Field(description="What happens, one sentence")
    turn: str = Field(description="What changes and why")
    feelings: list[FeelingDraft] = Field(description="Each character there: start, end")
    reveal: str = Field(default="", description="What someone learns here, or empty")
    gives: list[PropMove] = Field(default_factory=list)
    hurt: list[str] = Field(default_factory=list)
    dies: list[str] = Field(default_factory=list)


class OutlineDraft(BaseModel):
    title: str
    hook: str = Field(description="What grabs the viewer in the first 3 seconds")
    cliffhanger: str = Field(description="The unresolved moment that ends the episode")
    scenes: list[BeatDraft] = Field(min_length=1, max_length=6)


class LineDraft(BaseModel):
    speaker: str = Field(description="A name of someone there")
    text: str = Field(description="One breath: 6 to 12 words")
    emotion: str = Field(description="One word")


class SceneDraft(BaseModel):
    action: str = Field(description="What we see, present tense, two or three sentences")
    lines: list[LineDraft] = Field(min_length=1, max_length=16)


# --- scenes and the state ledger ---------------------------------------------


class DialogueLine(BaseModel):
    speaker: str = Field(description="A bible character name")
    parenthetical: str = Field(default="", description="Short acting note, may be empty")
    text: str
    emotion: str = Field(description="One word emotion label, e.g. angry, tender, afraid")


class Feeling(BaseModel):
    label: str
    valence: float = Field(description="-1 (negative) to 1 (positive)")
    intensity: float = Field(description="0 (calm) to 1 (overwhelming)")


class CharacterState(BaseModel):
    name: str
    knows: list[str] = Field(default_factory=list, description="Facts known at scene end")
    learns: list[str] = Field(default_factory=list, description="Facts first learned here")
    holds: list[str] = Field(default_factory=list, description="Props held at scene end")
    wants: str = ""
    feels: Feeling
    status: Literal["alive", "hurt", "dead"] = "alive"


class Ledger(BaseModel):
    present: list[str] = Field(description="Names of everyone present in the scene")
    location: str
    day: int = Field(description="In-story day number, starting at 1")
    hour: int = Field(description="In-story hour, 0 to 23")
    characters: list[CharacterState]
    props_used: list[str] = Field(default_factory=list)
    setups_opened: list[str] = Field(default_factory=list)
    setups_paid: list[str] = Field(default_factory=list)


class Scene(BaseModel):
    interior: bool
    location: str
    time_of_day: TimeOfDay
    action: str = Field(description="What we see, present tense, two to four sentences")
    lines: list[DialogueLine] = Field(min_length=1, max_length=12)
    cause: str = Field(default="", description="The event that causes any emotional change")
    ledger: Ledger
    revision: int = Field(default=0, description="The critique round that last revised it")

    @property
    def heading(self) -> str:
        return f"{'INT' if self.interior else 'EXT'}. {self.location.upper()} - {self.time_of_day}"


# --- shots -------------------------------------------------------------------


class OnScreen(BaseModel):
    name: str
    position: ScreenPosition


class Shot(BaseModel):
    size: ShotSize
    angle: Angle
    move: Move
    lens_mm: int = Field(description="Focal length in mm, 14 to 135")
    duration: float = Field(description="Seconds, 1.5 to 6")
    characters: list[OnScreen]
    description: str = Field(description="What the frame shows")
    performance: str = Field(description="Note to the actors")
    emotion: str = Field(description="Emotional intent of the shot")
    lines: list[int] = Field(default_factory=list, description="1-based dialogue line numbers")
    transition: Transition = "cut"


class ShotList(BaseModel):
    shots: list[Shot] = Field(min_length=1, max_length=16)


# --- critique ----------------------------------------------------------------

CodeKind = Literal[
    "absent_actor",  # a dead or absent character acts or speaks
    "knowledge_order",  # knows a fact before the scene where they learn it
    "prop_not_held",
    "unknown_name",
    "time_backwards",
    "setup_unpaid",
    "missing_hook",
    "missing_cliffhanger",
    "emotion_jump",
    "sentiment_mismatch",
    "near_duplicate",
    "wrong_language",
    # the words against the plan and the bible
    "status_contradiction",  # a line mourns or buries someone the plan keeps alive
    "secret_early",  # a bible secret is spoken before the scene that reveals it
    "wrong_place",  # the action sets the scene somewhere other than its heading
    "time_mismatch",  # a time word (midnight, 清晨) against the planned hour
    "relation_mismatch",  # "my brother" where the bible says otherwise
    "emotion_off_plan",  # a line's emotion against the planned feeling's direction
    "thin_scene",  # too few lines, or one speaker where two or more are present
]
CriticKind = Literal[
    "motivation",
    "tone",
    "character_voice",
    "plot_hole",
    "emotion_unbelievable",
    # critics may also name what the code checks look for
    "absent_actor",
    "knowledge_order",
    "prop_not_held",
    "time_backwards",
    "sentiment_mismatch",
    "plan_contradiction",  # a closed question: the words say otherwise than the plan
]
# What the editor measures on the cut and sends back to the scene's writer.
PacingKind = Literal["short_of_material", "too_much_material", "no_tail_line"]
IssueKind = Literal[CodeKind, CriticKind, PacingKind]


class Issue(BaseModel):
    node: str = Field(description="Plan node id, e.g. scene:1.2")
    kind: IssueKind
    severity: Literal["low", "medium", "high"]
    evidence: str = Field(description="A quote copied verbatim from the artifact")
    fix: str = Field(description="A concrete suggested fix")
    source: Literal["code", "critic"] = "code"


class EpisodeView(BaseModel):
    """One episode as the checks see it: its outline and its scenes in order."""

    number: int
    outline: Outline
    scenes: dict[str, Scene] = Field(description="scene node id -> scene, in story order")


class StoryView(BaseModel):
    """The whole series for series-wide checks (setups, knowledge, time)."""

    lang: Lang
    bible: Bible
    episodes: list[EpisodeView]
    episode_seconds: float = Field(default=0, description="Target length; 0 skips line counts")


# --- the season: a long series planned in parts --------------------------------------


class SeasonPartDraft(BaseModel):
    goal: str = Field(description="What the lead fights for in this stretch, one sentence")
    turn: str = Field(description="The event that ends the stretch, one sentence")


class SeasonDraft(BaseModel):
    """What the model writes: one goal and one turn per part; code numbers the episodes."""

    parts: list[SeasonPartDraft] = Field(min_length=1, max_length=12)


class SeasonPart(SeasonPartDraft):
    first: int = Field(ge=1, description="First episode of the stretch")
    last: int = Field(ge=1, description="Last episode of the stretch")


class Season(BaseModel):
    """A long series' arc in parts: each episode outline sees the part it belongs to."""

    parts: list[SeasonPart]


# --- reply schemas that advertise a count ------------------------------------------


M = TypeVar("M", bound=BaseModel)


@lru_cache(maxsize=64)
def counted(
    schema: type[M], field: str, low: int, high: int, item: type[BaseModel] | None = None
) -> type[M]:
    """`schema` whose JSON schema asks for `low` to `high` items in list `field` (of
    `item`, a subclass of the list's own item type that advertises more, if given).

    A grammar-constrained model (the embedded one) cannot write fewer, so it is not
    asked three times for a scene that stops after two lines. Python validation keeps
    the base's limits: a remote model that miscounts gets the caller's check and a
    repair turn, not a failed node.
    """
    base = schema.model_fields[field]
    inner = list[item] if item is not None else base.annotation  # type: ignore[valid-type]
    # the base's own length limits still validate; the schema advertises the count
    annotation: Any = Annotated.__class_getitem__((inner, *base.metadata))  # type: ignore[attr-defined]
    extra: dict[str, JsonValue] = {"minItems": low, "maxItems": high}
    info = Field(default=base.default, description=base.description, json_schema_extra=extra)
    fields: dict[str, Any] = {field: (annotation, info)}
    model: type[M] = create_model(schema.__name__, __base__=schema, **fields)
    model.__doc__ = schema.__doc__
    return model


@lru_cache(maxsize=64)
def spoken_by(names: tuple[str, ...]) -> type[LineDraft]:
    """A line whose JSON schema names who may speak: under the embedded grammar a
    scene planned for Charlie alone cannot hand lines to a Sarah who is not there
    (measured: four wasted replies a scene). Validation still takes any name."""
    speaker = Field(
        description=LineDraft.model_fields["speaker"].description,
        json_schema_extra={"enum": list(names)},
    )
    model: type[LineDraft] = create_model("LineDraft", __base__=LineDraft, speaker=(str, speaker))
    return model
