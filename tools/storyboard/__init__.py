"""Offline storyboard frames: each shot drawn as a panel a director can read.

The default pipeline must run without model weights, so this backend draws what
a storyboard artist would: the location's light, the blocking at the shot size,
the camera move as arrows, and the shot's notes. Same request, same pixels.

This module lays out the shot and composes the panel; the parts live beside it:
storyboard_set (light, sky, rooms), storyboard_figures (characters, name tags),
storyboard_marks (move arrows, notes box, layout metadata) and storyboard_style
(ink, colour, type).
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter
from PIL.Image import Resampling

from ..media import Figure, FrameRequest, SheetRequest
from ..subtitles import caption_layout
from .figures import SKIN, Tag, draw_figure, draw_label, draw_overhead
from .marks import caption_box, draw_caption, layout_meta, move_overlay
from .set import Look, draw_exterior, draw_ground, draw_interior, vignette
from .style import INK, SAFE_RIGHT, font, oval, wrap_text

__all__ = [  # the public names, importable from here as before the split
    "INK",
    "SAFE_RIGHT",
    "SKIN",
    "SS",
    "StoryboardBackend",
    "draw_figure",
    "draw_label",
    "draw_overhead",
    "font",
    "wrap_text",
]

SS = 2  # supersampling: shapes are drawn at twice the size and reduced, for smooth edges

# size: head height (fraction of min(W, H)), eye line (fraction of H), wall depth ratio
_SIZES: dict[str, tuple[float, float, float]] = {
    "ECU": (1.30, 0.50, 0.12),
    "CU": (0.60, 0.42, 0.20),
    "MCU": (0.42, 0.37, 0.28),
    "MS": (0.30, 0.34, 0.38),
    "WS": (0.08, 0.30, 0.60),
    "EWS": (0.012, 0.58, 1.0),
}


def _rng(*parts: object) -> random.Random:
    """A random stream fixed by its inputs (str hash() is salted per process)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _dutch(p: tuple[float, float], w: int, h: int, top: float) -> tuple[float, float]:
    """Where a point lands after the dutch tilt (rotate 8 degrees, crop 10 %), kept below top."""
    c, s = math.cos(math.radians(8)), math.sin(math.radians(8))
    x, y = p[0] - w / 2, p[1] - h / 2
    return (w / 2 + (x * c + y * s) / 0.8, max(top, h / 2 + (-x * s + y * c) / 0.8))


@dataclass
class _Layout:
    figures: list[tuple[Figure, float, float, str]]  # figure, centre x, head top y, facing
    head: float
    horizon: float
    focus: tuple[float, float]


def _layout(req: FrameRequest, w: int, h: int, clear: float = 0.0) -> _Layout:
    """Where each figure stands and how big it is, from shot size, blocking and angle.

    clear: the notes box's bottom edge; medium and wide framings drop below it.
    """
    frac, eye_f, _depth = _SIZES.get(req.size.upper(), _SIZES["MS"])
    figs = list(req.figures)
    head = frac * (min(w, h) if req.size.upper() not in ("WS", "EWS") else h)
    if req.size.upper() in ("CU", "MCU", "MS") and len(figs) > 1:
        head *= 0.72 if h > w else 0.85
    if w > h and req.size.upper() in ("MCU", "MS"):
        head *= 0.85
    if req.size.upper() == "ECU":
        figs = figs[:1]
    spread = (
        {"left": 0.26, "center": 0.5, "right": 0.74}
        if req.size.upper() != "EWS"
        else {"left": 0.36, "center": 0.5, "right": 0.64}
    )
    slots = sorted({spread.get(f.position.lower(), 0.5) for f in figs})
    if req.size.upper() in ("MCU", "MS", "WS") and len(slots) > 1:  # neighbours must not merge
        head = min(head, min(b - a for a, b in zip(slots, slots[1:], strict=False)) * w / 2.3)
    eye = eye_f * h
    if req.size.upper() in ("MCU", "MS", "WS"):
        eye = max(eye, min(clear + 0.07 * h + 0.5 * head, eye + 0.15 * h))
    angle = req.angle.lower()
    horizon = eye + {"high": -0.22, "overhead": -9.0, "low": 0.3}.get(angle, 0.0) * h
    if req.size.upper() == "EWS":
        horizon = (0.5 if "high" not in angle else 0.35) * h
    seen: dict[str, int] = {}
    placed = []
    for f in figs:
        pos = f.position.lower() if f.position.lower() in spread else "center"
        n = seen[pos] = seen.get(pos, 0) + 1
        cx = w * (spread[pos] + (n - 1) * (0.12 if pos != "right" else -0.12))
        if req.size.upper() == "ECU":
            cx = w / 2
        facing = {"left": "right", "right": "left"}.get(pos, "front")
        if pos == "center" and len(figs) > 1:
            others = [spread.get(o.position.lower(), 0.5) for o in figs if o is not f]
            facing = "left" if sum(others) / len(others) < 0.5 else "right"
        placed.append((f, cx, eye - 0.5 * head, facing))
    focus = (0.5, 0.45)
    if placed:
        fy = eye + head * (2.5 if angle == "overhead" else 0.3)  # overhead figures lie lower
        focus = (sum(p[1] for p in placed) / len(placed) / w, fy / h)
    return _Layout(placed, head, horizon, focus)


class StoryboardBackend:
    """ImageBackend that draws storyboard panels and character sheets with Pillow."""

    name = "storyboard"

    def render(self, req: FrameRequest, out: Path) -> Path:
        """Draw the shot at req.width x req.height as a PNG; layout notes ride in its metadata."""
        w, h = req.width, req.height
        W, H = w * SS, h * SS
        lines, box = caption_box(req)
        lay = _layout(req, W, H, clear=box[3] * SS)
        look = Look(req.time_of_day.upper(), max(-1.0, min(1.0, req.mood_valence)))
        rng = _rng(req.location, req.interior, req.seed)
        img = Image.new("RGB", (W, H))
        depth = _SIZES.get(req.size.upper(), _SIZES["MS"])[2]  # how far the wall is behind
        k_fig = lay.head / 0.23  # pixels per metre at the figures
        cam = {"high": 3.2, "overhead": 9.0, "low": 0.7}.get(req.angle.lower(), 1.6)
        if req.angle.lower() == "overhead":
            draw_ground(img, look, req.interior, k_fig * depth, rng)
        elif req.interior:
            draw_interior(img, look, req.location, lay.horizon, k_fig * depth, cam, rng)
        else:
            draw_exterior(img, look, req.location, lay.horizon, rng)
        if req.size.upper() in ("ECU", "CU", "MCU"):  # a long lens throws the background soft
            img = img.reduce(8).filter(ImageFilter.GaussianBlur(2))
            img = img.resize((W, H), Resampling.BILINEAR)
        vig = {"NIGHT": 0.75, "DUSK": 0.5, "DAWN": 0.45}.get(look.tod, 0.32)
        img = Image.composite(
            img, Image.new("RGB", img.size, (0, 0, 0)), vignette(img.size, vig).convert("L")
        )
        d = ImageDraw.Draw(img)
        overhead = req.angle.lower() == "overhead"
        label_px = int(min(W, H) * (0.024 if req.size.upper() == "EWS" else 0.03))
        tags: list[Tag] = []
        for fig, cx, top, facing in lay.figures:
            if overhead:
                tag = draw_overhead(d, fig, cx, top + lay.head * 3, lay.head * 0.7, label_px)
            else:
                tag = draw_figure(
                    d,
                    fig,
                    cx,
                    top,
                    lay.head,
                    facing,
                    label_px,
                    req.mood_valence,
                    frame=(W, H),
                    label_top=(box[3] + 0.01 * h) * SS,
                )
            tags += [tag] if tag else []
        if req.angle.lower() == "dutch":  # rotate 8 degrees, crop the corners, scale back up
            img = img.rotate(8, Resampling.BICUBIC)
            img = img.crop((W // 10, H // 10, W - W // 10, H - H // 10))
            img = img.resize((W, H), Resampling.BICUBIC)
            tags = [(_dutch(a, W, H, (box[3] + 0.01 * h) * SS), n, c, px) for a, n, c, px in tags]
        layer = Image.new("RGBA", (W, H), (0, 0, 0, 0))
        # Marks stay above the burned-in subtitles' band (which ends above the bottom
        # quarter that vertical apps cover); a name tag in the band moves above it.
        band = caption_layout(w, h)
        band_top, band_bottom = band.top * SS, band.bottom * SS
        region = (0.05 * W, box[3] * SS + 0.03 * H, W * (0.86 if h > w else 0.95), band_top)
        move_overlay(layer, req.move, lay.focus, region)
        for (x, y), name, colour, px in tags:
            if band_top - px * 1.4 < y < band_bottom:
                y = band_top - px * 1.5
            draw_label(ImageDraw.Draw(layer), (x, y), name, colour, px)
        img = Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB").reduce(SS)
        border = max(2, w // 400)
        ImageDraw.Draw(img).rectangle((0, 0, w - 1, h - 1), outline=INK, width=border)
        meta = layout_meta(img, box, lay.focus, req, border)  # before the notes cover the picture
        draw_caption(img, lines, box)
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        img.save(out, pnginfo=meta, compress_level=1)
        return out

    def render_sheet(self, req: SheetRequest, out: Path) -> Path:
        """Front, side and back on paper, with the look words the prompts repeat."""
        w, h = req.width, req.height
        W, H = w * SS, h * SS
        paper = (242, 239, 232)
        img = Image.new("RGB", (W, H), paper)
        d = ImageDraw.Draw(img)
        for gx in range(0, W, W // 24):
            d.line((gx, 0, gx, H), fill=(228, 224, 216), width=2)
        for gy in range(0, H, W // 24):
            d.line((0, gy, W, gy), fill=(228, 224, 216), width=2)
        title_h, text_h = H * 0.12, H * 0.2
        head = H * (1 - 0.12 - 0.22 - 0.12) / 7.6
        floor = title_h + H * 0.04 + head * 7.5
        for cx, view in zip((0.2, 0.5, 0.8), ("front", "side", "back"), strict=True):
            d.ellipse(oval(W * cx, floor, head * 1.4, head * 0.2), fill=(214, 208, 198))
            draw_figure(d, req.figure, W * cx, floor - head * 7.5, head, view, 0, 0.2, frame=(W, H))
            draw_label(d, (W * cx, floor + H * 0.03), view.upper(), (255, 255, 255), int(H * 0.03))
        img = img.reduce(SS)
        d = ImageDraw.Draw(img)
        r = min(w, h)
        d.text((int(w * 0.04), int(h * 0.035)), req.name, font=font(int(r * 0.055), True), fill=INK)
        sw = int(r * 0.05)
        sx = int(w * 0.96) - sw
        d.rectangle(
            (sx, int(h * 0.035), sx + sw, int(h * 0.035) + sw),
            fill=req.figure.color,
            outline=INK,
            width=3,
        )
        red, green, blue = req.figure.color
        tag = f"#{red:02x}{green:02x}{blue:02x}  ·  silhouette {req.figure.shape % 6}"
        d.text(
            (sx - 12, int(h * 0.035) + sw // 2),
            tag,
            font=font(int(r * 0.022)),
            fill=(90, 90, 96),
            anchor="rm",
        )
        f_look = font(int(r * 0.03))
        y = int(h - text_h / SS - h * 0.02)
        d.line((int(w * 0.04), y - 10, int(w * 0.96), y - 10), fill=(180, 174, 166), width=2)
        for line in wrap_text(req.look, f_look, int(w * 0.92))[:4]:
            d.text((int(w * 0.04), y), line, font=f_look, fill=(40, 40, 46))
            y += int(f_look.size * 1.35)
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        img.save(out, compress_level=1)
        return out
