"""Shared ffmpeg helpers: the binary from the imageio-ffmpeg wheel, runs, and probing.

The wheel ships a static ffmpeg (libx264, libass, loudnorm) but no ffprobe, so `probe`
parses the banner `ffmpeg -i` prints and, when asked for exact timing, decodes the file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from reelwright.tools.errors import ToolError


class FFmpegError(ToolError):
    """ffmpeg failed; the message carries the tail of its stderr."""


class FFmpegUnavailable(FFmpegError):
    """No ffmpeg binary: the imageio-ffmpeg wheel is missing or broken."""


class MediaInfo(BaseModel):
    """What a media file holds, as read from ffmpeg's banner (and optionally a decode)."""

    path: Path
    duration: float = 0.0
    width: int = 0
    height: int = 0
    fps: float = 0.0
    video_codec: str | None = None
    audio_codec: str | None = None
    sample_rate: int = 0
    channels: str | None = None
    frames: int | None = None


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary bundled with imageio-ffmpeg."""
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise FFmpegUnavailable(
            "ffmpeg not found: pip install imageio-ffmpeg==0.8.1 (it bundles a static ffmpeg)"
        ) from exc
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:  # pragma: no cover
        raise FFmpegUnavailable(f"ffmpeg not usable: {exc}; reinstall imageio-ffmpeg") from exc


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def below_model(cmd: list[str]) -> list[str]:
    """Encodes run niced: on a small machine the model's tokens are the critical path."""
    nice = shutil.which("nice")
    return [nice, "-n", "10", *cmd] if nice else cmd


def run_ffmpeg(
    args: list[str],
    *,
    input_bytes: bytes | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
) -> str:
    """Run ffmpeg with an argument list (never a shell string); return its stderr.

    `-hide_banner -nostdin -y` are added; pass `input_bytes` to feed `-i -`.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-y"]
    if input_bytes is None:
        cmd.append("-nostdin")
    cmd += [str(a) for a in args]
    try:
        proc = subprocess.run(
            below_model(cmd),
            input=input_bytes,
            capture_output=True,
            cwd=str(cwd) if cwd else None,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise FFmpegError(f"ffmpeg timed out after {timeout} s: {' '.join(cmd[:12])} ...") from exc
    stderr = proc.stderr.decode("utf-8", errors="replace")
    if proc.returncode != 0:
        raise FFmpegError(f"ffmpeg exited with {proc.returncode}:\n{_tail(stderr)}")
    return stderr


_DURATION = re.compile(r"Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\S+.*?: Video: (\w+)(.*)")
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: (\w+)(.*)")
_SIZE = re.compile(r"\b(\d{2,5})x(\d{2,5})\b")
_FPS = re.compile(r"([\d.]+)\s*fps\b")
_TBR = re.compile(r"([\d.]+k?)\s*tbr\b")
_RATE = re.compile(r"(\d+)\s*Hz(?:,\s*([\w.()]+))?")
_FRAME = re.compile(r"frame=\s*(\d+)")
_TIME = re.compile(r"time=\s*(\d+):(\d+):(\d+(?:\.\d+)?)")


def _hms(h: str, m: str, s: str) -> float:
    return int(h) * 3600 + int(m) * 60 + float(s)


def _parse_banner(path: Path, text: str) -> MediaInfo:
    info = MediaInfo(path=path)
    if m := _DURATION.search(text):
        info.duration = _hms(*m.groups())
    if m := _VIDEO.search(text):
        info.video_codec = m.group(1)
        rest = m.group(2)
        if s := _SIZE.search(rest):
            info.width, info.height = int(s.group(1)), int(s.group(2))
        if f := _FPS.search(rest):
            info.fps = float(f.group(1))
        elif t := _TBR.search(rest):
            info.fps = float(t.group(1).rstrip("k"))
    if m := _AUDIO.search(text):
        info.audio_codec = m.group(1)
        if r := _RATE.search(m.group(2)):
            info.sample_rate = int(r.group(1))
            info.channels = r.group(2)
    return info


def probe(path: Path | str, *, exact: bool = False) -> MediaInfo:
    """Read a file's size, frame rate, duration and codecs.

    The container duration is rounded to 10 ms; `exact=True` decodes the whole file and
    sets `frames` and a duration of frames / fps (or the last decoded audio time).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(path)
    try:
        stderr = run_ffmpeg(["-i", str(path)])
    except FFmpegError as exc:
        stderr = str(exc)  # `ffmpeg -i` with no output always exits 1; the banner is there
    info = _parse_banner(path, stderr)
    if info.video_codec is None and info.audio_codec is None:
        raise FFmpegError(f"no audio or video stream in {path}:\n{_tail(stderr, 8)}")
    if exact:
        out = run_ffmpeg(["-i", str(path), "-map", "0", "-f", "null", "-"])
        frames = _FRAME.findall(out)
        times = _TIME.findall(out)
        if info.video_codec and frames:
            info.frames = int(frames[-1])
            if info.fps:
                info.duration = info.frames / info.fps
        elif times:
            info.duration = _hms(*times[-1])
    return info
