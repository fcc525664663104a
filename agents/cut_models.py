"""What the editor works with while cutting: shots on the bench, fixes, send-backs."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from reelwright.tools.pacing import PacingFigures
from reelwright.tools.timing import TAIL, line_starts

MIN_SILENT_SHOT = 1.0  # a silent shot shorter than this reads as a flash


class EditLine(BaseModel):
    line_id: str
    path: Path
    seconds: float = Field(gt=0)
    speaker: str = ""
    text: str = ""


class EditShot(BaseModel):
    """A shot on the editor's bench: its clip, the lines it carries, its length in the cut."""

    shot_id: str
    scene_id: str
    clip: Path
    duration: float = Field(gt=0)
    lines: list[EditLine] = Field(default_factory=list)
    beat: str = Field(default="", description="Why this shot is silent on purpose")
    hook: bool = False
    cliffhanger: bool = False
    transition: Literal["cut", "dissolve", "fade"] = "cut"
    metadata: dict[str, str] = Field(default_factory=dict)

    @property
    def starts(self) -> list[float]:
        return line_starts([x.seconds for x in self.lines])

    @property
    def speech_end(self) -> float:
        """Where the last line ends inside the shot (0 for a silent shot)."""
        if not self.lines:
            return 0.0
        return self.starts[-1] + self.lines[-1].seconds

    @property
    def needed(self) -> float:
        """The shortest the shot can be: its lines and their breathing room."""
        return self.speech_end + TAIL if self.lines else MIN_SILENT_SHOT


class Fix(BaseModel):
    round: int
    kind: str  # trim_hold, shorten_silent, drop_silent
    shot: str
    before: float
    after: float
    reason: str


class SendBack(BaseModel):
    """A pacing problem the editor cannot fix, and who gets it."""

    node: str
    kind: str  # late_hook, dead_air, short_of_material, too_much_material, no_tail_line
    sent_to: Literal["director", "writer"]
    detail: str
    round: int


class RoundNote(BaseModel):
    """One round of the editor's pacing loop, as a critique event reports it."""

    round: int
    found: int
    fixed: int
    remaining: int
    issues: list[dict[str, Any]]


class PacingPass(BaseModel):
    before: PacingFigures
    after: PacingFigures
    rounds: list[RoundNote]
    fixes: list[Fix]
    sent_back: list[SendBack]
