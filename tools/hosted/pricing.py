"""The price table: what each hosted backend and model costs, read from prices.json.

One data file with its date and sources, so an estimate can say where its figures came
from and a user can point REELWRIGHT_PRICES at their own copy when a vendor changes prices.
"""

from __future__ import annotations

import json
import math
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from reelwright.tools.errors import ToolError

PRICES_ENV = "REELWRIGHT_PRICES"


class VideoModel(BaseModel):
    """A video model's price and what it can make."""

    service: str
    model: str
    durations: list[int]
    per_second: float = 0.0
    per_million_tokens: float = 0.0
    per_video: dict[str, float] = {}
    mode: str = ""
    resolution: str = ""
    size: tuple[int, int] = (720, 1280)
    fps: int = 24

    def billed_seconds(self, seconds: float) -> int:
        """The shortest duration the service offers that covers the shot (else its longest);
        the editor trims or holds the clip to the planned length."""
        fits = [d for d in sorted(self.durations) if d >= seconds - 1e-6]
        return fits[0] if fits else max(self.durations)

    def tokens(self, billed: int) -> int:
        """Ark's documented count for an output video: width x height x fps x seconds / 1024."""
        return int(self.size[0] * self.size[1] * self.fps * billed / 1024)

    def price(self, billed: int, tokens: int | None = None) -> float:
        if self.per_video:
            return self.per_video.get(str(billed), max(self.per_video.values()))
        if self.per_million_tokens:
            used = tokens if tokens is not None else self.tokens(billed)
            return used * self.per_million_tokens / 1_000_000
        return self.per_second * billed


@lru_cache(maxsize=4)
def _load(path: str | None) -> dict[str, Any]:
    if path:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ToolError(f"{PRICES_ENV}={path}: cannot read the price table: {exc}") from exc
    else:
        text = resources.files("reelwright.tools.hosted").joinpath("prices.json").read_text("utf-8")
        data = json.loads(text)
    if not isinstance(data, dict) or "date" not in data:
        raise ToolError("the price table needs a top-level 'date' and sections per kind")
    return data


def table() -> dict[str, Any]:
    return _load(os.environ.get(PRICES_ENV) or None)


def _entry(kind: str, service: str, model: str) -> dict[str, Any]:
    section = table().get(kind, {}).get(service)
    if not section:
        raise ToolError(f"the price table has no {kind} service {service!r}")
    models = section.get("models", {})
    if model not in models:
        known = ", ".join(sorted(models))
        raise ToolError(
            f"no price for {service} model {model!r} (known: {known}); add it to a copy of "
            f"prices.json and set {PRICES_ENV}"
        )
    return dict(models[model])


def default_model(kind: str, service: str) -> str:
    return str(table()[kind][service]["default"])


def video_model(service: str, model: str | None = None) -> VideoModel:
    model = model or default_model("video", service)
    entry = _entry("video", service, model)
    return VideoModel(service=service, model=model, **entry)


def image_price(service: str, model: str) -> float:
    return float(_entry("images", service, model)["per_image"])


def image_size(service: str, model: str) -> str:
    return str(_entry("images", service, model).get("size", "1024x1536"))


def speech_price(service: str, model: str, characters: int) -> float:
    per = float(_entry("speech", service, model)["per_million_characters"])
    return characters * per / 1_000_000


def speech_takes_instructions(service: str, model: str) -> bool:
    return bool(_entry("speech", service, model).get("instructions", False))


def llm_prices() -> dict[str, tuple[float, float]]:
    """Per million tokens (input, output) by model name."""
    models = table().get("llm", {}).get("openai", {}).get("models", {})
    return {
        name: (float(m["per_million_tokens_in"]), float(m["per_million_tokens_out"]))
        for name, m in models.items()
    }


def source_line() -> str:
    data = table()
    where = os.environ.get(PRICES_ENV) or "built-in prices.json"
    return f"prices of {data['date']} ({where})"


def round_usd(value: float) -> float:
    return math.floor(value * 1_000_000 + 0.5) / 1_000_000
