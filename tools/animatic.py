"""Animatic clips: a storyboard frame with its shot's camera move, as H.264.

Frames are resampled with Pillow at sub-pixel precision and piped raw to the
ffmpeg binary from imageio-ffmpeg. ffmpeg's own zoompan rounds the crop to
whole pixels, which makes slow pushes judder; Pillow's box resize does not.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw
from PIL.Image import Resampling

from .ffmpeg import FFmpegError, below_model, ffmpeg_exe
from .media import ClipRequest

PUSH_ZOOM = 1.18  # how far a push in ends (and a pull out starts)
TRAVEL_ZOOM = 1.16  # the headroom a pan or tilt travels through
SHAKE_ZOOM = 1.05  # the margin that hides a handheld shake's edges
META_KEY = "reelwright"  # PNG text chunk the storyboard backend writes


class AnimaticError(FFmpegError):
    """ffmpeg failed, or the frame could not be used; carries ffmpeg's stderr tail."""

    def __init__(self, message: str, stderr_tail: str = "") -> None:
        super().__init__(f"{message}\n{stderr_tail}".rstrip())
        self.stderr_tail = stderr_tail


@dataclass(frozen=True)
class CameraMove:
    """A normalised camera move: kind plus a unit direction for pans and tilts."""

    kind: str  # static, push, pull, pan, tilt, handheld
    dx: int = 0  # +1: the camera turns right (content slides left)
    dy: int = 0  # -1: the camera tilts up

    @property
    def label(self) -> str:
        if self.kind == "pan":
            return "PAN LEFT" if self.dx < 0 else "PAN RIGHT"
        if self.kind == "tilt":
            return "TILT DOWN" if self.dy > 0 else "TILT UP"
        return {"push": "PUSH IN", "pull": "PULL OUT"}.get(self.kind, self.kind.upper())


def parse_move(move: str) -> CameraMove:
    """Map the director's move words (and common synonyms) to one of six kinds."""
    m = move.lower()
    if any(w in m for w in ("hand", "shak", "手持")):
        return CameraMove("handheld")
    if any(w in m for w in ("pull", "out", "back", "拉")):
        return CameraMove("pull")
    if any(w in m for w in ("push", "zoom", "dolly", " in", "推")):
        return CameraMove("push")
    if any(w in m for w in ("tilt", "crane", "boom", "pedestal", "俯", "仰")):
        return CameraMove("tilt", dy=1 if "down" in m else -1)
    if any(w in m for w in ("pan", "track", "truck", "摇", "移")):
        return CameraMove("pan", dx=-1 if "left" in m else 1)
    return CameraMove("static")


def _ease(t: float) -> float:
    """Smoothstep: a camera operator eases into and out of a move."""
    return t * t * (3.0 - 2.0 * t)


def _shake(seed: int, t: float) -> tuple[float, float]:
    """Deterministic handheld drift in -1..1 per axis: a few incommensurate sines."""
    rnd = hashlib.sha256(str(seed).encode()).digest()
    x = y = 0.0
    for i, (freq, amp) in enumerate(((0.35, 0.55), (1.1, 0.3), (2.7, 0.15))):
        px, py = rnd[2 * i] / 255 * math.tau, rnd[2 * i + 1] / 255 * math.tau
        x += amp * math.sin(math.tau * freq * t + px)
        y += amp * math.sin(math.tau * freq * 1.13 * t + py)
    return x, y


Box = tuple[float, float, float, float]


def crop_box(
    move: CameraMove,
    t: float,
    w: int,
    h: int,
    focus: tuple[float, float] = (0.5, 0.5),
    seed: int = 0,
) -> Box:
    """The part of a w x h frame the camera sees at t.

    t is the fraction of the shot (0..1) for push, pull, pan and tilt, and seconds
    for handheld, so a shake has the same speed in a short shot as in a long one.
    """
    u = _ease(min(max(t, 0.0), 1.0))
    if move.kind in ("push", "pull"):
        z = 1 + (PUSH_ZOOM - 1) * (u if move.kind == "push" else 1 - u)
        cw, ch = w / z, h / z
        cx = min(max(focus[0] * w, cw / 2), w - cw / 2)
        cy = min(max(focus[1] * h, ch / 2), h - ch / 2)
        # Start centred on the frame and drift toward the subject as we push.
        k = (z - 1) / (PUSH_ZOOM - 1)
        cx = w / 2 + (cx - w / 2) * k
        cy = h / 2 + (cy - h / 2) * k
        return (cx - cw / 2, cy - ch / 2, cx + cw / 2, cy + ch / 2)
    if move.kind in ("pan", "tilt"):
        cw, ch = w / TRAVEL_ZOOM, h / TRAVEL_ZOOM
        p = u if (move.dx + move.dy) > 0 else 1 - u
        x0 = (w - cw) * p if move.kind == "pan" else (w - cw) / 2
        y0 = (h - ch) * p if move.kind == "tilt" else (h - ch) / 2
        return (x0, y0, x0 + cw, y0 + ch)
    if move.kind == "handheld":
        cw, ch = w / SHAKE_ZOOM, h / SHAKE_ZOOM
        sx, sy = _shake(seed, t)
        x0 = (w - cw) / 2 * (1 + 0.9 * sx)
        y0 = (h - ch) / 2 * (1 + 0.9 * sy)
        return (x0, y0, x0 + cw, y0 + ch)
    return (0.0, 0.0, float(w), float(h))


def _load(req: ClipRequest) -> tuple[Image.Image, dict[str, object]]:
    """The frame fitted (cover) to the clip size, and the storyboard's layout notes."""
    try:
        with Image.open(req.frame_path) as im:
            meta = json.loads(str(im.info.get(META_KEY, "{}")))
            src = im.convert("RGB")
    except (OSError, ValueError) as exc:
        msg = f"shot {req.shot_id}: cannot read frame {req.frame_path}: {exc}"
        raise AnimaticError(msg) from exc
    if src.size != (req.width, req.height):
        scale = max(req.width / src.width, req.height / src.height)
        cw, ch = req.width / scale, req.height / scale
        x0, y0 = (src.width - cw) / 2, (src.height - ch) / 2
        box = (x0, y0, x0 + cw, y0 + ch)
        src = src.resize((req.width, req.height), Resampling.BICUBIC, box=box)
        meta = {}  # the layout notes were for the other size
    return src, meta


Pinned = list[tuple[Image.Image, tuple[int, int]]]


def _plate(src: Image.Image, meta: dict[str, object]) -> tuple[Image.Image, Pinned]:
    """The picture to move, and the patches (notes boxes) that stay put on top of it.

    The storyboard backend stores the picture under its notes box; restoring it
    lets the picture move while the notes stay readable and are not doubled.
    """
    raw = meta.get("static_boxes")
    boxes = [[int(v) for v in b] for b in raw if len(b) == 4] if isinstance(raw, list) else []
    pinned = [(src.crop((b[0], b[1], b[2], b[3])), (b[0], b[1])) for b in boxes]
    under = meta.get("under")
    if not pinned or not isinstance(under, str):
        return src, []
    try:
        patch = Image.open(io.BytesIO(base64.b64decode(under))).convert("RGB")
    except (OSError, ValueError):
        return src, []  # without the clean patch, moving the whole frame is the safe choice
    plate = src.copy()
    plate.paste(patch, pinned[0][1])
    return plate, pinned


class AnimaticBackend:
    """VideoBackend that moves a still frame the way the shot's camera moves."""

    name = "animatic"

    def __init__(self, crf: int = 18, preset: str = "ultrafast") -> None:
        # Clips are intermediates the editor re-encodes: favour speed at a high quality.
        # ultrafast spends 1.4 CPU-s on a 3 s push-in where superfast spent 3.1 (files
        # twice the size): on 2 cores beside the model, clips were the run's longest tail.
        self.crf = crf
        self.preset = preset

    def render(self, req: ClipRequest, out: Path) -> Path:
        """Write an H.264 MP4 of exactly round(duration * fps) frames, no audio."""
        if req.width % 2 or req.height % 2:
            raise AnimaticError(
                f"shot {req.shot_id}: yuv420p needs even sizes, got {req.width}x{req.height}"
            )
        if req.fps <= 0 or req.duration <= 0:
            raise AnimaticError(f"shot {req.shot_id}: bad fps {req.fps} or duration {req.duration}")
        n = max(1, round(req.duration * req.fps))
        src, meta = _load(req)
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        part = out.with_name(out.stem + ".part" + out.suffix)  # a crash never leaves a half clip
        cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{req.width}x{req.height}",
               "-r", str(req.fps), "-i", "-",
               "-frames:v", str(n), "-an", "-c:v", "libx264", "-preset", self.preset,
               "-crf", str(self.crf), "-pix_fmt", "yuv420p", "-movflags", "+faststart",
               "-f", "mp4", str(part)]  # fmt: skip
        with tempfile.TemporaryFile() as err:
            pipe, null = subprocess.PIPE, subprocess.DEVNULL
            proc = subprocess.Popen(below_model(cmd), stdin=pipe, stdout=null, stderr=err)
            assert proc.stdin is not None
            try:
                for frame in _frames(req, n, src, meta):
                    proc.stdin.write(frame)
                proc.stdin.close()
            except BrokenPipeError:
                pass  # ffmpeg died; its stderr says why
            rc = proc.wait()
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-2000:]
        if rc != 0 or not part.is_file():
            part.unlink(missing_ok=True)
            raise AnimaticError(f"shot {req.shot_id}: ffmpeg exited with {rc} writing {out}", tail)
        part.replace(out)
        return out


def _frames(req: ClipRequest, n: int, src: Image.Image, meta: dict[str, object]) -> Iterator[bytes]:
    """Raw RGB frames: the picture resampled along the move, the notes pinned on top."""
    move = parse_move(req.move)
    focus = meta.get("focus")
    fx, fy = (float(focus[0]), float(focus[1])) if isinstance(focus, list) else (0.5, 0.5)
    plate, pinned = _plate(src, meta)
    raw = meta.get("border")
    border = [int(v) for v in raw] if isinstance(raw, list) and len(raw) == 4 else []
    seed = int.from_bytes(hashlib.sha256(f"{req.shot_id}|{req.seed}".encode()).digest()[:4])
    size, full = (req.width, req.height), (0.0, 0.0, float(req.width), float(req.height))
    still = src.tobytes()
    for i in range(n):
        if move.kind == "handheld":
            box = crop_box(move, i / req.fps, req.width, req.height, seed=seed)
        else:
            box = crop_box(move, i / (n - 1) if n > 1 else 0.0, req.width, req.height, (fx, fy))
        if box == full:
            yield still
            continue
        frame = plate.resize(size, Resampling.BILINEAR, box=box)
        for patch, at in pinned:
            frame.paste(patch, at)
        if border:  # the panel's frame line belongs to the frame, not to the moving picture
            ImageDraw.Draw(frame).rectangle(
                (0, 0, req.width - 1, req.height - 1), outline=tuple(border[:3]), width=border[3]
            )
        yield frame.tobytes()
