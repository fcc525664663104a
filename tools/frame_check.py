"""Cheap checks on a rendered frame, and a bounded re-render when one fails.

A diffusion backend can hand back a black or blank image (a safety filter, a NaN
in half precision) or the wrong size; catching that here keeps a bad frame out
of the animatic and the edit.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from reelwright.tools.errors import ToolError

from .media import FrameRequest, ImageBackend, SheetRequest

BLANK_STD = 2.0  # grey-level standard deviation below which a frame shows nothing


class FrameCheckError(ToolError):
    """Every attempt at a frame failed its checks."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"frame {path} failed its checks: {'; '.join(problems)}")
        self.path = path
        self.problems = problems


def check_frame(path: Path, width: int, height: int) -> list[str]:
    """What is wrong with the image at path; an empty list means it can be used."""
    path = Path(path)
    if not path.is_file():
        return [f"missing: {path} was not written"]
    try:
        with Image.open(path) as im:
            im.load()
            size = im.size
            grey = np.asarray(im.convert("L").reduce(4) if min(size) >= 8 else im.convert("L"))
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        return [f"unreadable: {path.name}: {exc}"]
    problems = []
    if size != (width, height):
        problems.append(f"wrong size: {size[0]}x{size[1]}, wanted {width}x{height}")
    std = float(grey.std()) if grey.size else 0.0
    if std < BLANK_STD:
        problems.append(f"blank: near-uniform image (mean {float(grey.mean()):.0f}, std {std:.2f})")
    return problems


def render_checked(
    backend: ImageBackend,
    req: FrameRequest | SheetRequest,
    out: Path,
    attempts: int = 2,
    on_failure: Callable[[str], None] | None = None,
) -> Path:
    """Render, check, and re-render with the next seed until the frame passes.

    Each failed attempt is reported through on_failure (for the event log); after
    the last one a FrameCheckError is raised with the problems found.
    """
    attempts = max(1, attempts)
    problems: list[str] = []
    for attempt in range(attempts):
        # A deterministic backend gives the same frame again; a sampler gets a new seed.
        this = req if attempt == 0 else req.model_copy(update={"seed": req.seed + attempt})
        try:
            if isinstance(this, SheetRequest):
                path = backend.render_sheet(this, out)
            else:
                path = backend.render(this, out)
        except Exception as exc:  # any backend failure is worth one more try
            problems = [f"render failed: {type(exc).__name__}: {exc}"]
            path = Path(out)
        else:
            problems = check_frame(path, this.width, this.height)
        if not problems:
            return path
        if on_failure is not None:
            on_failure(f"attempt {attempt + 1}/{attempts} ({backend.name}): {'; '.join(problems)}")
    raise FrameCheckError(Path(out), problems)
