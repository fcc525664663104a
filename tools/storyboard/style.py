"""What every part of a storyboard panel shares: the ink, the safe margin, colour and type.

The set, the figures and the notes box all draw with these, so this module imports
none of them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from PIL import ImageFont

from ..fonts import cjk_font_path
from ..media import RGB

INK: RGB = (24, 24, 30)
SAFE_RIGHT = 0.14  # vertical-video apps put their buttons on the right edge
# one CJK character, or a word with its trailing space: the units a line may break between
_TOKEN = r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]|[^\s\u2e80-\u9fff]+\s*|\s+"
_NO_LINE_START = set("，。！？、；：）》」』”’,.!?;:)…")


def oval(cx: float, cy: float, rx: float, ry: float) -> tuple[float, float, float, float]:
    """The bounding box of an ellipse given by its centre and radii."""
    return (cx - rx, cy - ry, cx + rx, cy + ry)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """The colour t of the way from a to b (t clamped to 0..1)."""
    t = min(max(t, 0.0), 1.0)
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


@lru_cache(maxsize=4)
def _face_index(path: str) -> int:
    """The Simplified Chinese face inside a CJK font collection (index 0 is often JP)."""
    for i in range(12):
        try:
            if "SC" in str(ImageFont.truetype(path, 12, index=i).getname()[0]).split():
                return i
        except OSError:
            break
    return 0


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The CJK-capable font at a pixel size, so Chinese renders as glyphs, not boxes."""
    path = cjk_font_path()
    heavy = path.with_name(path.name.replace("Regular", "Bold"))
    path = heavy if bold and heavy.is_file() else path
    index = _face_index(str(path)) if path.suffix.lower() == ".ttc" else 0
    return ImageFont.truetype(str(path), max(size, 6), index=index)


def wrap_text(text: str, f: ImageFont.FreeTypeFont, max_w: float) -> list[str]:
    """Greedy wrap: Latin breaks at spaces, CJK between characters, no line opens on punctuation."""
    lines: list[str] = []
    for para in text.splitlines():
        tokens = re.findall(_TOKEN, para)
        line = ""
        for tok in tokens:
            for t in list(tok) if f.getlength(tok.rstrip()) > max_w else [tok]:  # split long words
                fits = f.getlength((line + t).rstrip()) <= max_w
                if fits or not line.strip() or t[0] in _NO_LINE_START:
                    line += t
                else:
                    lines.append(line.rstrip())
                    line = t.lstrip()
        if line.strip():
            lines.append(line.rstrip())
    return lines
