"""Run settings: what the user asked for, resolved once and stored in run.toml."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from reelwright.errors import UserError

MAX_PREMISE_CHARS = 600
MAX_EPISODES = 120  # Douyin and Kuaishou series run 60 to 100 episodes
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class RunSettings(BaseModel):
    premise: str
    episodes: int = Field(default=2, ge=1, le=MAX_EPISODES)
    episode_seconds: float = Field(default=90.0, ge=20, le=300)
    lang: Literal["en", "zh"] = "en"
    aspect: Literal["9:16", "16:9"] = "9:16"
    llm: str = "local"
    seed: int = 0
    critique_rounds: int = Field(default=2, ge=0, le=5)
    # times a cut may send scenes short of material back to their writer before rendering
    pacing_rounds: int = Field(default=1, ge=0, le=3)
    # model critics (closed plan questions, open critics) on top of the code checks;
    # a critic whose measured recall on the backend is zero is skipped either way
    model_critics: bool = True
    images: str = "storyboard"
    video: Literal["animatic", "diffusers", "kling", "seedance", "hailuo"] = "animatic"
    voices: str = "offline"
    budget_usd: float | None = Field(default=None, gt=0)
    resubmit_unknown: bool = False
    image_model: str | None = None
    video_model: str | None = None
    ip_adapter: str | None = None
    image_steps: int = Field(default=25, ge=1, le=200)
    image_max_pixels: int = Field(default=576 * 1024, ge=64 * 64)
    review: bool = False
    # Who plans shot lists: code lays out coverage and the model picks looks (size, angle,
    # move), or looks and a few words of framing and acting (taste), or the model plans
    # whole lists (full). The CLI picks looks for the embedded model, taste for endpoints.
    shots: Literal["looks", "taste", "full"] = "taste"
    fps: int = 30
    executor: Literal["local", "ray"] = "local"
    ray_address: str | None = None

    @field_validator("premise")
    @classmethod
    def _premise_ok(cls, value: str) -> str:
        return check_premise(value)

    @field_validator("images")
    @classmethod
    def _images_ok(cls, value: str) -> str:
        return check_backend_spec(value, ("storyboard", "diffusers"), "openai-images", "--images")

    @field_validator("voices")
    @classmethod
    def _voices_ok(cls, value: str) -> str:
        return check_backend_spec(value, ("offline",), "openai-speech", "--voices")

    @property
    def size(self) -> tuple[int, int]:
        return (1080, 1920) if self.aspect == "9:16" else (1920, 1080)


def check_premise(premise: str) -> str:
    text = " ".join(premise.split())
    if not text:
        raise UserError("the premise is empty: give one line describing the story")
    if len(text) > MAX_PREMISE_CHARS:
        raise UserError(
            f"the premise is {len(text)} characters; the limit is {MAX_PREMISE_CHARS} "
            "(a premise is one line, the agents write the rest)"
        )
    return text


def detect_lang(text: str) -> Literal["en", "zh"]:
    """Chinese when a fair share of the letters are CJK, else English."""
    cjk = len(_CJK.findall(text))
    letters = sum(ch.isalpha() for ch in text) or 1
    return "zh" if cjk / letters >= 0.3 else "en"


def check_executor(name: str) -> str:
    if name not in ("local", "ray"):
        raise UserError(f"unknown --executor {name!r}: use local or ray")
    return name


def check_llm_spec(spec: str) -> str:
    """local, local:/path/model.gguf or openai:MODEL."""
    kind, _, rest = spec.partition(":")
    if kind == "local" and (not rest or Path(rest).suffix == ".gguf"):
        return spec
    if kind == "openai" and rest:
        return spec
    raise UserError(
        f"unknown --llm {spec!r}: use local, local:/path/model.gguf or openai:MODEL "
        "(with OPENAI_BASE_URL and OPENAI_API_KEY)"
    )


def check_backend_spec(value: str, plain: tuple[str, ...], hosted: str, flag: str) -> str:
    """A plain backend name, or `hosted:MODEL` for an OpenAI-compatible service."""
    kind, _, model = value.partition(":")
    if value in plain or (kind == hosted and model.strip()):
        return value
    raise UserError(f"unknown {flag} {value!r}: use {', '.join(plain)} or {hosted}:MODEL")
