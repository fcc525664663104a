"""Small real media files for tests, made with the bundled ffmpeg."""

from __future__ import annotations

from pathlib import Path

from reelwright.tools.ffmpeg import run_ffmpeg


def pattern_clip(path: Path, seconds: float, size: str = "108x192") -> Path:
    """An H.264 test-pattern clip at 30 fps."""
    pattern = f"testsrc=s={size}:r=30:d={seconds}"
    run_ffmpeg(["-f", "lavfi", "-i", pattern, "-c:v", "libx264", "-preset", "ultrafast",
                "-pix_fmt", "yuv420p", str(path)])  # fmt: skip
    return path
