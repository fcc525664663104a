"""What the diffusers image and video backends share: lazy imports and one lazy pipeline.

torch and diffusers are imported only when a pipeline is first needed, so the
storyboard default works on machines without them; using a diffusers backend there
raises BackendUnavailable with the install line instead of an ImportError.
Nothing here reaches the Hugging Face Hub: every load is `local_files_only`.
"""

from __future__ import annotations

import inspect
import json
import threading
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from reelwright.tools.errors import ToolError

INSTALL_HINT = "pip install 'reelwright[diffusers]'"


class LazyPipeline:
    """Base of the diffusers backends: one pipeline, loaded once on first use.

    One diffusion pipeline is one model in memory and is not thread-safe, so the same
    lock that guards the load also serialises calls into it.
    """

    def __init__(self) -> None:
        self._pipe: Any = None
        self._lock = threading.RLock()

    def pipeline(self) -> Any:
        """The loaded pipeline; loads once, on first use, from local files only."""
        with self._lock:
            if self._pipe is None:
                self._pipe = self._load()
            return self._pipe

    def _load(self) -> Any:
        raise NotImplementedError


class BackendUnavailable(ToolError):
    """A backend cannot run here: missing packages, weights or configs."""


def import_torch_diffusers() -> tuple[Any, Any]:
    """Import torch and diffusers on first use, turning ImportError into a clear message."""
    try:
        import diffusers
        import torch
    except ImportError as exc:
        raise BackendUnavailable(
            f"the diffusers backend needs torch and diffusers ({exc}); install: {INSTALL_HINT}"
        ) from exc
    return torch, diffusers


def pick_device(torch: Any, device: str | None) -> str:
    """cuda when present, else cpu; an explicit device always wins."""
    if device:
        return device
    return "cuda" if torch.cuda.is_available() else "cpu"


def seeded_generator(torch: Any, seed: int) -> Any:
    """A CPU generator, so one seed gives the same noise on every device."""
    return torch.Generator(device="cpu").manual_seed(int(seed))


def snap(value: int, multiple: int) -> int:
    """Round to the nearest multiple (at least one multiple): pipelines reject other sizes."""
    return max(multiple, int(round(value / multiple)) * multiple)


def generation_size(
    width: int, height: int, multiple: int, max_area: int | None = None
) -> tuple[int, int]:
    """The size to ask the model for: the request's aspect, within max_area, on the grid."""
    w, h = float(width), float(height)
    if max_area and w * h > max_area:
        scale = (max_area / (w * h)) ** 0.5
        w, h = w * scale, h * scale
    return snap(int(round(w)), multiple), snap(int(round(h)), multiple)


def fit_exact(img: Image.Image, width: int, height: int) -> Image.Image:
    """Scale to cover and centre-crop, so the output is exactly the requested size."""
    img = img.convert("RGB")
    if img.size == (width, height):
        return img
    return ImageOps.fit(img, (width, height), method=Image.Resampling.LANCZOS)


def read_model_index(folder: Path) -> dict[str, Any]:
    """model_index.json of a diffusers folder, or a clear error naming what is missing."""
    index = folder / "model_index.json"
    if not index.is_file():
        raise BackendUnavailable(f"{folder} is not a diffusers folder: no model_index.json")
    data: dict[str, Any] = json.loads(index.read_text(encoding="utf-8"))
    return data


def accepts(fn: Any, name: str) -> bool:
    """Whether a pipeline's __call__ takes this keyword; pipelines differ a lot."""
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
