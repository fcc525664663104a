"""Requests the cinematographer hands to the image and video backends.

One request type serves every backend: the storyboard backend draws from the
structured fields, the diffusion backends read the prompt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, Field

RGB = tuple[int, int, int]


class Figure(BaseModel):
    """A character as it appears in a frame."""

    name: str
    color: RGB = Field(description="Stable per character across the series")
    shape: int = Field(description="Silhouette variant, stable per character (0..5)")
    position: str = Field(description="left, center or right")
    gender: str = "other"
    reference_image: Path | None = None


class FrameRequest(BaseModel):
    shot_id: str = Field(description="E.S.N")
    width: int
    height: int
    prompt: str = Field(description="The full visual prompt, look words included")
    negative_prompt: str = ""
    location: str
    location_look: str = ""
    interior: bool = True
    time_of_day: str = Field(description="DAY, NIGHT, DAWN or DUSK")
    mood_valence: float = Field(default=0.0, description="-1..1, tints the light")
    size: str = Field(description="ECU, CU, MCU, MS, WS or EWS")
    angle: str = "eye level"
    move: str = "static"
    duration: float
    caption: str = Field(default="", description="The line of dialogue, speaker included")
    figures: list[Figure] = Field(default_factory=list)
    seed: int = 0


class SheetRequest(BaseModel):
    """A character reference sheet: front, side and back."""

    name: str
    look: str
    figure: Figure
    negative_prompt: str = ""
    width: int = 1920
    height: int = 1080
    seed: int = 0


class ClipRequest(BaseModel):
    shot_id: str
    frame_path: Path
    prompt: str = ""
    move: str = "static"
    duration: float
    fps: int = 30
    width: int
    height: int
    seed: int = 0


class ImageBackend(Protocol):
    name: str

    def render(self, req: FrameRequest, out: Path) -> Path: ...

    def render_sheet(self, req: SheetRequest, out: Path) -> Path: ...


class VideoBackend(Protocol):
    name: str

    def render(self, req: ClipRequest, out: Path) -> Path: ...


class VoiceRequest(BaseModel):
    """One dialogue line to voice, with what a backend needs to keep the speaker's voice."""

    line_id: str = Field(description="E.S.N")
    text: str
    speaker: str
    character_index: int = Field(description="The speaker's place in the bible: fixes the voice")
    gender: str = "other"
    lang: str = "en"
    voice_description: str = Field(default="", description="How the character speaks (bible)")
    emotion: str = ""


class SpokenLine(BaseModel):
    """A voiced line on disk: its length and the voice that spoke it."""

    seconds: float
    engine: str
    voice: dict[str, Any] = Field(default_factory=dict)
    characters: int = 0


class VoiceBackend(Protocol):
    name: str

    def speak(self, req: VoiceRequest, out: Path) -> SpokenLine: ...
