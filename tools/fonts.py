"""Find a CJK-capable font on the system (frames, subtitles, PDFs)."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

_KNOWN = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


class FontNotFound(RuntimeError):
    """No CJK font is installed; the set-up script installs fonts-noto-cjk."""


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """A font file that has both Latin and CJK glyphs."""
    for candidate in _KNOWN:
        if Path(candidate).is_file():
            return Path(candidate)
    if shutil.which("fc-match"):
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if out and Path(out).is_file():
            return Path(out)
    raise FontNotFound(
        "no CJK font found: install one (Debian: apt-get install fonts-noto-cjk) "
        "or run the project's set-up script"
    )


def cjk_font_family() -> str:
    """The family name libass and fontconfig know the font by."""
    return "Noto Sans CJK SC"
