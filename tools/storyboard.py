"""Offline storyboard frames: each shot drawn as a panel a director can read.

The default pipeline must run without model weights, so this backend draws what
a storyboard artist would: the location's light, the blocking at the shot size,
the camera move as arrows, and the shot's notes. Same request, same pixels.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, PngImagePlugin
from PIL.Image import Resampling

from .animatic import META_KEY, parse_move
from .fonts import cjk_font_path
from .media import RGB, Figure, FrameRequest, SheetRequest

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
_SKY: dict[str, tuple[RGB, RGB]] = {
    "DAY": ((92, 152, 224), (200, 226, 246)),
    "NIGHT": ((6, 10, 28), (30, 44, 86)),
    "DAWN": ((112, 104, 168), (255, 176, 148)),
    "DUSK": ((58, 40, 100), (248, 142, 70)),
}
_LIGHT: dict[str, tuple[RGB, float]] = {
    "DAY": ((255, 248, 234), 1.0),
    "NIGHT": ((112, 132, 205), 0.40),
    "DAWN": ((255, 200, 192), 0.84),
    "DUSK": ((255, 172, 112), 0.74),
}
_PAINTS: tuple[RGB, ...] = (
    (236, 226, 204),
    (204, 214, 196),
    (196, 208, 222),
    (222, 190, 168),
    (214, 212, 208),
    (232, 214, 186),
)
_EXT_KINDS = (
    (
        "sea",
        (
            "sea",
            "ocean",
            "beach",
            "harbo",
            "port",
            "pier",
            "dock",
            "shore",
            "coast",
            "bay",
            "river",
            "lake",
            "海",
            "港",
            "滩",
            "码头",
            "岸",
            "河",
            "湖",
            "江",
        ),
    ),
    (
        "city",
        (
            "street",
            "city",
            "road",
            "alley",
            "market",
            "square",
            "town",
            "roof",
            "bridge",
            "街",
            "城",
            "路",
            "巷",
            "市",
            "楼",
            "桥",
        ),
    ),
)
SAFE_RIGHT = 0.14  # vertical-video apps put their buttons on the right edge


def _rng(*parts: object) -> random.Random:
    """A random stream fixed by its inputs (str hash() is salted per process)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _oval(cx: float, cy: float, rx: float, ry: float) -> tuple[float, float, float, float]:
    """The bounding box of an ellipse given by its centre and radii."""
    return (cx - rx, cy - ry, cx + rx, cy + ry)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    t = min(max(t, 0.0), 1.0)
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


@dataclass(frozen=True)
class _Look:
    """The light of one shot: time of day, tinted by the scene's mood."""

    tod: str
    valence: float

    def mood(self, c: RGB) -> RGB:
        if self.valence >= 0:
            return _mix(c, (255, 212, 156), 0.16 * self.valence)
        grey = round(0.3 * c[0] + 0.59 * c[1] + 0.11 * c[2])
        return _mix(
            _mix(c, (grey, grey, grey), 0.35 * -self.valence), (58, 76, 112), 0.22 * -self.valence
        )

    def lit(self, albedo: RGB, gain: float = 1.0) -> RGB:
        light, level = _LIGHT.get(self.tod, _LIGHT["DAY"])
        pairs = zip(albedo, light, strict=True)
        v = [min(255, round(a * c / 255 * level * gain)) for a, c in pairs]
        return self.mood((v[0], v[1], v[2]))

    def sky(self) -> tuple[RGB, RGB]:
        top, bottom = _SKY.get(self.tod, _SKY["DAY"])
        return self.mood(top), self.mood(bottom)


# --- figures and type --------------------------------------------------------

INK: RGB = (24, 24, 30)
SKIN: RGB = (238, 204, 174)
# silhouette variant: shoulders and waist (head heights), body style, hair style
_SHAPES = (
    (1.70, 1.25, "trousers", "short"),
    (2.15, 1.75, "trousers", "crew"),
    (1.60, 1.00, "dress", "long"),
    (1.90, 1.50, "coat", "hat"),
    (1.95, 1.95, "round", "bun"),
    (1.65, 1.15, "trousers", "ponytail"),
)
_Tag = tuple[tuple[float, float], str, RGB, int]  # anchor, name, colour, pixel size
# one CJK character, or a word with its trailing space: the units a line may break between
_TOKEN = r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]|[^\s\u2e80-\u9fff]+\s*|\s+"
_NO_LINE_START = set("，。！？、；：）》」』”’,.!?;:)…")


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


def draw_label(
    d: ImageDraw.ImageDraw,
    anchor: tuple[float, float],
    text: str,
    fill: RGB,
    px: int,
    center: bool = True,
) -> tuple[float, float, float, float]:
    """A name tag: anchor is its top centre (or top left), text contrasts with the fill."""
    f = font(px, True)
    tw = f.getlength(text)
    pad = px * 0.35
    x0 = anchor[0] - tw / 2 - pad if center else anchor[0]
    box = (x0, anchor[1], x0 + tw + 2 * pad, anchor[1] + px * 1.35)
    light = 0.3 * fill[0] + 0.59 * fill[1] + 0.11 * fill[2] > 150
    d.rounded_rectangle(box, radius=px * 0.3, fill=fill, outline=INK, width=max(2, px // 12))
    d.text(
        ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2),
        text,
        font=f,
        anchor="mm",
        fill=INK if light else (255, 255, 255),
    )
    return box


def _limb(
    d: ImageDraw.ImageDraw,
    a: tuple[float, float],
    b: tuple[float, float],
    width: float,
    fill: RGB,
    lw: int,
) -> None:
    (x0, y0), (x1, y1) = a, b
    n = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1e-6)
    nx, ny = -(y1 - y0) / n * width / 2, (x1 - x0) / n * width / 2
    d.polygon(
        [(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)],
        fill=fill,
        outline=INK,
        width=lw,
    )


def draw_figure(
    d: ImageDraw.ImageDraw,
    fig: Figure,
    cx: float,
    ty: float,
    h: float,
    view: str,
    label_px: int,
    valence: float,
    frame: tuple[int, int],
    label_top: float = 0.0,
) -> _Tag | None:
    """One character, head top at ty, head h tall; view: front, left, right, side or back.

    Returns where its name tag goes, so tags can be drawn above the move notation.
    """
    shoulders, waist, body, hair_style = _SHAPES[fig.shape % len(_SHAPES)]
    col = fig.color
    hair, legs, dark = _mix(col, (34, 26, 22), 0.82), _mix(col, INK, 0.55), _mix(col, INK, 0.3)
    lw = max(2, min(int(h * 0.035), 14))
    side = view == "side"
    sw, ww = shoulders * h * (0.55 if side else 1), waist * h * (0.6 if side else 1)
    ys, yh, yf = ty + 1.22 * h, ty + 3.7 * h, ty + 7.5 * h
    head = (cx - 0.4 * h, ty, cx + 0.4 * h, ty + h)
    if hair_style == "long":
        x0, x1 = (cx - 0.5 * h, cx + 0.5 * h) if not side else (cx - 0.52 * h, cx + 0.12 * h)
        d.rounded_rectangle(
            (x0, ty + 0.2 * h, x1, ty + 2.2 * h), radius=0.3 * h, fill=hair, outline=INK, width=lw
        )
    if hair_style == "ponytail":
        px = cx - 0.45 * h if side else cx + 0.42 * h
        d.ellipse(_oval(px, ty + h, 0.16 * h, 0.7 * h), fill=hair, outline=INK, width=lw)
    for sgn in (-1, 1):  # legs and shoes
        x = cx + sgn * 0.24 * h * (0.4 if side else 1)
        d.rectangle(
            (x - 0.22 * h, yh - 0.4 * h, x + 0.22 * h, yf - 0.2 * h),
            fill=SKIN if body == "dress" else legs,
            outline=INK,
            width=lw,
        )
        toe = 0.25 * h if side else 0.0
        d.ellipse((x - 0.26 * h + toe, yf - 0.34 * h, x + 0.26 * h + toe, yf), fill=INK)

    def arms() -> None:  # behind the torso from the front, in front of it in profile
        for sgn in (-1, 1) if not side else (0,):
            sx = cx + sgn * (sw / 2 - 0.2 * h)
            hx = cx + sgn * (sw / 2 + 0.06 * h) + (0.25 * h if side else 0)
            _limb(d, (sx, ys + 0.15 * h), (hx, ty + 3.75 * h), 0.36 * h, _mix(col, INK, 0.12), lw)
            d.ellipse(
                (hx - 0.17 * h, ty + 3.6 * h, hx + 0.17 * h, ty + 3.95 * h),
                fill=SKIN,
                outline=INK,
                width=lw,
            )

    if not side:
        arms()
    top = [
        (cx - sw / 2, ys + 0.28 * h),
        (cx - sw / 2 + 0.28 * h, ys),
        (cx + sw / 2 - 0.28 * h, ys),
        (cx + sw / 2, ys + 0.28 * h),
    ]
    if body == "round":
        d.ellipse(
            (cx - sw * 0.56, ys - 0.05 * h, cx + sw * 0.56, yh + 0.25 * h),
            fill=col,
            outline=INK,
            width=lw,
        )
    elif body == "dress":
        skirt = 2.1 * h * (0.65 if side else 1)
        d.polygon(
            [
                *top,
                (cx + ww / 2, ty + 3.1 * h),
                (cx + skirt / 2, ty + 5.4 * h),
                (cx - skirt / 2, ty + 5.4 * h),
                (cx - ww / 2, ty + 3.1 * h),
            ],
            fill=col,
            outline=INK,
            width=lw,
        )
        d.line((cx - ww / 2, ty + 3.1 * h, cx + ww / 2, ty + 3.1 * h), fill=dark, width=lw * 2)
    else:
        hem, wide = (ty + 5.5 * h, ww * 1.2) if body == "coat" else (yh, ww)
        d.polygon(
            [*top, (cx + wide / 2, hem), (cx - wide / 2, hem)], fill=col, outline=INK, width=lw
        )
        if view != "back" and not side:
            d.line((cx, ys + 0.35 * h, cx, hem), fill=dark, width=lw)
    if side:
        arms()
    d.rectangle(
        (cx - 0.15 * h, ty + 0.8 * h, cx + 0.15 * h, ys + 0.12 * h),
        fill=SKIN,
        outline=INK,
        width=lw,
    )
    back = view == "back"
    if side:
        d.polygon(
            [
                (cx + 0.36 * h, ty + 0.42 * h),
                (cx + 0.52 * h, ty + 0.62 * h),
                (cx + 0.36 * h, ty + 0.68 * h),
            ],
            fill=SKIN,
            outline=INK,
            width=lw,
        )
    d.ellipse(head, fill=hair if back else SKIN, outline=INK, width=lw)
    hat = _mix(col, INK, 0.45)
    fringe = {"short": 0.3, "crew": 0.2, "long": 0.33, "bun": 0.26, "ponytail": 0.28, "hat": 0.2}
    arc = (cx - 0.44 * h, ty - 0.06 * h, cx + 0.44 * h, ty + (2 * fringe[hair_style] + 0.06) * h)
    if side:
        d.pieslice(
            _oval(cx - 0.01 * h, ty + 0.43 * h, 0.43 * h, 0.49 * h),
            125,
            330,
            fill=hair,
            outline=INK,
            width=lw,
        )
        d.ellipse(
            _oval(cx - 0.11 * h, ty + 0.53 * h, 0.06 * h, 0.09 * h),
            fill=SKIN,
            outline=INK,
            width=lw,
        )
    elif not back:
        d.chord(arc, 180, 360, fill=hair, outline=INK, width=lw)
    if hair_style == "bun":
        d.ellipse(_oval(cx, ty - 0.09 * h, 0.22 * h, 0.21 * h), fill=hair, outline=INK, width=lw)
    if hair_style == "hat":
        d.rounded_rectangle(
            _oval(cx, ty - 0.03 * h, 0.4 * h, 0.29 * h),
            radius=0.12 * h,
            fill=hat,
            outline=INK,
            width=lw,
        )
        d.ellipse(
            (cx - 0.7 * h, ty + 0.14 * h, cx + 0.7 * h, ty + 0.36 * h),
            fill=hat,
            outline=INK,
            width=lw,
        )
    if not back and h >= 16:
        _face(d, cx, ty, h, view, valence, lw)
    if label_px:
        w, fh = frame
        y = ty - label_px * 1.8 - h * (0.35 if hair_style in ("bun", "hat") else 0.1)
        if y < max(label_top, fh * 0.05) or h > fh * 0.2:
            y = min(ty + 1.8 * h, fh * 0.68)
        x = min(max(cx, w * 0.08 + label_px * 3), w * (1 - SAFE_RIGHT) - label_px * 3)
        return ((x, y), fig.name, col, label_px)
    return None


def _face(
    d: ImageDraw.ImageDraw, cx: float, ty: float, h: float, view: str, valence: float, lw: int
) -> None:
    """Eyes, brows, nose and mouth; the mouth and brows follow the mood."""
    if view == "side":
        ex, ey = cx + 0.2 * h, ty + 0.48 * h
        d.ellipse((ex - 0.04 * h, ey - 0.05 * h, ex + 0.04 * h, ey + 0.05 * h), fill=INK)
        d.line((cx + 0.18 * h, ty + 0.78 * h, cx + 0.34 * h, ty + 0.78 * h), fill=INK, width=lw)
        return
    off = {"left": -0.1, "right": 0.1}.get(view, 0.0) * h
    mx = cx + off
    for sgn in (-1, 1):
        ex, ey = mx + sgn * 0.16 * h, ty + 0.5 * h
        if h > 300:  # close enough to see the whites of the eyes
            d.ellipse(_oval(ex, ey, 0.1 * h, 0.05 * h), fill=(250, 248, 244), outline=INK, width=lw)
            d.ellipse(
                (
                    ex - 0.045 * h + off * 0.3,
                    ey - 0.045 * h,
                    ex + 0.045 * h + off * 0.3,
                    ey + 0.045 * h,
                ),
                fill=(62, 44, 34),
            )
        else:
            d.ellipse((ex - 0.04 * h, ey - 0.055 * h, ex + 0.04 * h, ey + 0.055 * h), fill=INK)
        tilt = 0.05 * h * max(-1.0, min(1.0, valence)) * sgn
        d.line(
            (ex - 0.1 * h, ey - 0.12 * h + tilt, ex + 0.1 * h, ey - 0.12 * h - tilt),
            fill=INK,
            width=max(lw, int(h * 0.03)),
        )
    d.arc(
        (mx - 0.06 * h, ty + 0.58 * h, mx + 0.06 * h, ty + 0.66 * h),
        20,
        160,
        fill=_mix(SKIN, INK, 0.45),
        width=lw,
    )
    mouth = (mx - 0.12 * h, ty + 0.7 * h, mx + 0.12 * h, ty + 0.84 * h)
    if valence > 0.25:
        d.arc(mouth, 20, 160, fill=INK, width=lw)
    elif valence < -0.25:
        d.arc(
            (mouth[0], mouth[1] + 0.08 * h, mouth[2], mouth[3] + 0.08 * h),
            200,
            340,
            fill=INK,
            width=lw,
        )
    else:
        d.line(
            (mouth[0] + 0.03 * h, ty + 0.77 * h, mouth[2] - 0.03 * h, ty + 0.77 * h),
            fill=INK,
            width=lw,
        )


def draw_overhead(
    d: ImageDraw.ImageDraw, fig: Figure, cx: float, cy: float, h: float, label_px: int
) -> _Tag | None:
    """A figure seen from straight above: shoulders, arms, the crown of the head."""
    shoulders, _w, _b, hair_style = _SHAPES[fig.shape % len(_SHAPES)]
    lw = max(2, min(int(h * 0.035), 14))
    sw = shoulders * h
    for sgn in (-1, 1):
        d.ellipse(
            _oval(cx + sgn * sw / 2, cy + 0.4 * h, 0.2 * h, 0.5 * h),
            fill=_mix(fig.color, INK, 0.12),
            outline=INK,
            width=lw,
        )
    d.ellipse(
        (cx - sw / 2, cy - 0.38 * h, cx + sw / 2, cy + 0.38 * h),
        fill=fig.color,
        outline=INK,
        width=lw,
    )
    hair = _mix(fig.color, (34, 26, 22), 0.82)
    r = 0.7 * h if hair_style == "hat" else 0.42 * h
    top = _mix(fig.color, INK, 0.45) if hair_style == "hat" else hair
    d.ellipse(_oval(cx, cy, r, r), fill=top, outline=INK, width=lw)
    if label_px:
        return ((cx, cy + 1.0 * h), fig.name, fig.color, label_px)
    return None


def _vgrad(size: tuple[int, int], stops: list[tuple[float, RGB]]) -> Image.Image:
    """A vertical gradient through (y, colour) stops, cheap at any size."""
    w, h = size
    ys = np.arange(h, dtype=np.float32)
    pos = np.array([s[0] for s in stops], dtype=np.float32)
    col = np.stack([np.interp(ys, pos, [s[1][c] for s in stops]) for c in range(3)], axis=1)
    return Image.fromarray(col.astype(np.uint8)[:, None, :]).resize((w, h), Resampling.NEAREST)


def _vignette(size: tuple[int, int], strength: float) -> Image.Image:
    w, h = size
    yy, xx = np.mgrid[0:64, 0:36].astype(np.float32)
    r = np.hypot((xx - 17.5) / 18, (yy - 31.5) / 32)
    mask = (255 * (1 - strength * np.clip(r - 0.45, 0, None) ** 1.6)).clip(0, 255)
    return Image.fromarray(mask.astype(np.uint8)).resize((w, h), Resampling.BILINEAR).convert("RGB")


def _glow(
    img: Image.Image, centre: tuple[float, float], radius: float, colour: RGB, alpha: int
) -> None:
    """A soft radial light (sun halo, lamp pool): a blurred disc pasted through as a mask."""
    mask = Image.new("L", (64, 64), 0)
    ImageDraw.Draw(mask).ellipse((20, 20, 44, 44), fill=alpha)
    size = max(2, int(radius * 2))
    mask = mask.filter(ImageFilter.GaussianBlur(6)).resize((size, size), Resampling.BILINEAR)
    img.paste(colour, (int(centre[0] - radius), int(centre[1] - radius)), mask)


def _sky_and_sun(img: Image.Image, look: _Look, horizon: float, rng: random.Random) -> float:
    """Sun, moon, stars and clouds above the horizon; returns the sun's x for reflections."""
    w = img.width
    d = ImageDraw.Draw(img)
    if look.tod == "NIGHT":
        for _ in range(90):
            x, y = rng.uniform(0, w), rng.uniform(0, max(horizon, 1) * 0.85)
            star = rng.choice((2, 2, 3, 4))
            d.ellipse(_oval(x, y, star, star), fill=(230, 234, 255))
    sx = w * rng.choice((0.22, 0.7))
    sy = {"DAY": horizon * 0.25, "NIGHT": horizon * 0.3}.get(look.tod, horizon - w * 0.06)
    r = w * (0.05 if look.tod in ("DAY", "NIGHT") else 0.09)
    sun = {
        "DAY": (255, 250, 220),
        "NIGHT": (236, 236, 220),
        "DAWN": (255, 214, 170),
        "DUSK": (255, 170, 90),
    }.get(look.tod, (255, 250, 220))
    _glow(img, (sx, sy), r * 4, sun, 150)
    d.ellipse((sx - r, sy - r, sx + r, sy + r), fill=sun)
    if look.tod != "NIGHT":
        cloud = look.mood(_mix(look.sky()[1], (255, 255, 255), 0.55))
        for _ in range(rng.randint(2, 4)):
            cx, cy = rng.uniform(0, w), rng.uniform(0.12, 0.75) * horizon
            s = w * rng.uniform(0.05, 0.1)
            for dx, dy, k in ((-1.2, 0.2, 0.8), (0, 0, 1.1), (1.2, 0.25, 0.75), (0.5, -0.4, 0.7)):
                d.ellipse(
                    (
                        cx + dx * s - k * s,
                        cy + dy * s - k * s * 0.6,
                        cx + dx * s + k * s,
                        cy + dy * s + k * s * 0.6,
                    ),
                    fill=cloud,
                )
    return sx


def _exterior(img: Image.Image, look: _Look, loc: str, horizon: float, rng: random.Random) -> None:
    """Sky, sun or moon, and a skyline chosen by the location's words."""
    w, h = img.size
    kind = next((k for k, words in _EXT_KINDS if any(x in loc.lower() for x in words)), "land")
    top, bottom = look.sky()
    ground = {"sea": (34, 92, 132), "city": (96, 96, 102), "land": (98, 132, 74)}[kind]
    g0, g1 = look.lit(ground, 1.1), look.lit(ground, 0.7)
    img.paste(
        _vgrad(
            (w, h),
            [
                (min(0, horizon - 1), top),
                (horizon, bottom),
                (horizon + 1, g0),
                (max(h, horizon + 2), g1),
            ],
        )
    )
    sun_x = _sky_and_sun(img, look, horizon, rng)
    d = ImageDraw.Draw(img)
    far = look.lit(_mix(ground, (150, 160, 180), 0.5), 0.75)
    if kind == "city":
        x = -rng.uniform(0, w * 0.1)
        while x < w:
            bw, bh = w * rng.uniform(0.08, 0.18), h * rng.uniform(0.06, 0.22)
            shade = _mix(far, (0, 0, 0), rng.uniform(0, 0.25))
            d.rectangle((x, horizon - bh, x + bw, horizon), fill=shade)
            lit = (255, 214, 130) if look.tod in ("NIGHT", "DUSK") else look.lit((170, 190, 210))
            for wy in np.arange(horizon - bh + w * 0.02, horizon - w * 0.02, w * 0.035):
                for wx in np.arange(x + w * 0.015, x + bw - w * 0.02, w * 0.03):
                    if rng.random() < 0.45:
                        d.rectangle((wx, wy, wx + w * 0.012, wy + w * 0.016), fill=lit)
            x += bw + w * rng.uniform(0, 0.02)
        vx = w * rng.uniform(0.4, 0.6)
        for f in (-1.5, -0.5, 0.5, 1.5):  # the road's lines run to a vanishing point
            d.line((vx, horizon, vx + f * w, h * 1.6), fill=look.lit((220, 220, 200), 0.8), width=6)
    else:
        pts = [(0.0, horizon)]
        for i in range(9):
            pts.append((w * (i + rng.random()) / 8, horizon - h * rng.uniform(0.02, 0.09)))
        d.polygon([*pts, (w, horizon), (w, horizon + 2), (0, horizon + 2)], fill=far)
    if kind == "sea":
        foam = look.lit((200, 225, 240), 0.9)
        for i in range(40):
            y = horizon + (h - horizon) * (i / 40) ** 1.7 + 6
            x, s = rng.uniform(-0.1, 1) * w, 6 + 60 * (i / 40) ** 1.7
            d.arc((x, y, x + s * 6, y + s), 200, 340, fill=foam, width=max(2, int(s / 8)))
        if look.tod != "DAY":  # the sun or moon's path on the water
            shine = _mix(g0, {"NIGHT": (220, 224, 230)}.get(look.tod, (255, 190, 110)), 0.45)
            for i in range(30):
                y = horizon + (h - horizon) * (i / 30) ** 1.6 + 4
                half = w * (0.015 + 0.08 * (i / 30)) * rng.uniform(0.3, 1)
                x = sun_x + rng.uniform(-1, 1) * half * 0.6
                d.line((x - half, y, x + half, y), fill=shine, width=max(2, int(2 + i / 4)))
    elif kind == "land":
        tree = look.lit((52, 86, 50), 0.8)
        for _ in range(rng.randint(3, 7)):
            x, s = rng.uniform(0, w), h * rng.uniform(0.025, 0.06)
            base = horizon + 2
            d.polygon([(x, horizon - s * 2.2), (x - s * 0.6, base), (x + s * 0.6, base)], fill=tree)


def _interior(
    img: Image.Image,
    look: _Look,
    loc: str,
    horizon: float,
    k: float,
    cam: float,
    rng: random.Random,
) -> tuple[float, float]:
    """Wall, floor, a window showing the time of day, a door: set dressing from the name."""
    w, h = img.size
    paint = _PAINTS[rng.randrange(len(_PAINTS))]
    floor_y = horizon + cam * k  # where the back wall meets the floor
    ceil_y = floor_y - 2.9 * k
    wall0, wall1 = look.lit(paint, 1.05), look.lit(paint, 0.8)
    floor = look.lit(_mix(paint, (120, 84, 58), 0.7), 0.8)
    img.paste(
        _vgrad(
            (w, h),
            [
                (min(0, ceil_y - 1), look.lit(paint, 0.55)),
                (ceil_y, wall0),
                (floor_y, wall1),
                (floor_y + 1, floor),
                (max(h, floor_y + 2), _mix(floor, (0, 0, 0), 0.3)),
            ],
        )
    )
    d = ImageDraw.Draw(img)
    line = _mix(wall1, (0, 0, 0), 0.35)
    d.line((0, floor_y, w, floor_y), fill=line, width=max(3, int(k * 0.03)))
    d.line((0, ceil_y, w, ceil_y), fill=line, width=max(3, int(k * 0.02)))
    for f in np.linspace(-2.5, 2.5, 9):  # floor boards to the vanishing point
        d.line((w / 2 + f * k * 0.5, floor_y, w / 2 + f * w, floor_y + 2 * h), fill=line, width=3)
    side = rng.choice((-1, 1))
    boat = any(x in loc.lower() for x in ("boat", "ship", "cabin", "船", "舱"))
    ww = min(max(1.2 * k, 0.16 * w), 0.42 * w)
    wx = w / 2 + side * w * rng.uniform(0.18, 0.3)
    wb = min(floor_y - 0.9 * k, h * 0.92)
    top, bottom = look.sky()
    box = (wx - ww / 2, wb - ww * (1.0 if boat else 1.3), wx + ww / 2, wb)
    frame_c = _mix(paint, (60, 44, 34), 0.7)
    if look.tod != "NIGHT":  # sunlight falls through the window onto the floor
        patch = look.lit((255, 240, 210), 1.15)
        d.polygon(
            [
                (box[0], floor_y + 4),
                (box[2], floor_y + 4),
                (box[2] + side * -0.2 * w + ww, h),
                (box[0] + side * -0.2 * w, h),
            ],
            fill=_mix(floor, patch, 0.25),
        )
    bw, bh = int(box[2] - box[0]) + 1, int(box[3] - box[1]) + 1
    sky = _vgrad((bw, bh), [(0, top), (bh, bottom)])
    mask = Image.new("L", sky.size, 0)
    shape = ImageDraw.Draw(mask).ellipse if boat else ImageDraw.Draw(mask).rectangle
    shape((0, 0, sky.width - 1, sky.height - 1), fill=255)
    img.paste(sky, (int(box[0]), int(box[1])), mask)
    t = max(4, int(ww * 0.05))
    if boat:
        d.ellipse(box, outline=frame_c, width=t * 2)
    else:
        d.rectangle(box, outline=frame_c, width=t)
        d.line((wx, box[1], wx, box[3]), fill=frame_c, width=t)
        mid = (box[1] + box[3]) / 2
        d.line((box[0], mid, box[2], mid), fill=frame_c, width=t)
    dx = w / 2 - side * w * rng.uniform(0.22, 0.34)  # the door, on the other side
    dw = min(max(0.9 * k, 0.12 * w), 0.36 * w)
    d.rectangle(
        (dx - dw / 2, floor_y - 2.1 * k, dx + dw / 2, floor_y),
        fill=_mix(frame_c, wall1, 0.2),
        outline=_mix(frame_c, (0, 0, 0), 0.4),
        width=t,
    )
    knob = (dx + side * dw * 0.35, floor_y - 1.0 * k)
    d.ellipse((knob[0] - t, knob[1] - t, knob[0] + t, knob[1] + t), fill=(200, 170, 90))
    if look.tod == "NIGHT":  # a practical lamp keeps a night interior readable
        lx, ly = w / 2 + side * w * 0.02, ceil_y + 0.35 * k
        _glow(img, (lx, ly), w * 0.6, (255, 196, 120), 90)
    return (wx / w, (box[1] + box[3]) / 2 / h)


def _ground(img: Image.Image, look: _Look, interior: bool, k: float, rng: random.Random) -> None:
    """Looking straight down: floorboards and a rug indoors, ground and stones outdoors."""
    w, h = img.size
    base = look.lit((150, 112, 80) if interior else (112, 128, 84), 0.9)
    img.paste(base, (0, 0, w, h))
    d = ImageDraw.Draw(img)
    line = _mix(base, (0, 0, 0), 0.3)
    if interior:
        step = max(0.18 * k, w * 0.05)
        for i in range(int(w / step) + 2):
            d.line((i * step, 0, i * step, h), fill=line, width=max(3, int(step * 0.03)))
            for y in np.arange(rng.uniform(0, 1) * h * 0.3, h, h * 0.3):
                d.line((i * step, y, (i + 1) * step, y), fill=line, width=3)
        rug = _mix(_PAINTS[rng.randrange(len(_PAINTS))], (150, 60, 50), 0.5)
        d.rectangle(
            (w * 0.15, h * 0.3, w * 0.85, h * 0.7), fill=look.lit(rug), outline=line, width=8
        )
    else:
        for _ in range(120):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), w * rng.uniform(0.004, 0.015)
            d.ellipse(_oval(x, y, r, r * 0.7), fill=_mix(base, (0, 0, 0), rng.uniform(0.1, 0.3)))


def _arrow(
    d: ImageDraw.ImageDraw,
    p0: tuple[float, float],
    p1: tuple[float, float],
    s: float,
    fill: tuple[int, ...] = (255, 255, 255, 235),
) -> None:
    """A thick outlined arrow from p0 to p1, the way board artists draw camera moves."""
    (x0, y0), (x1, y1) = p0, p1
    length = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1.0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    nx, ny = -uy, ux
    hl = min(s * 2.4, length * 0.6)
    bx, by = x1 - ux * hl, y1 - uy * hl
    pts = [
        (x0 + nx * s / 2, y0 + ny * s / 2),
        (bx + nx * s / 2, by + ny * s / 2),
        (bx + nx * s * 1.4, by + ny * s * 1.4),
        (x1, y1),
        (bx - nx * s * 1.4, by - ny * s * 1.4),
        (bx - nx * s / 2, by - ny * s / 2),
        (x0 - nx * s / 2, y0 - ny * s / 2),
    ]
    d.polygon(pts, fill=fill, outline=(*INK, 255), width=max(3, int(s / 6)))


def _dashed_rect(d: ImageDraw.ImageDraw, box: tuple[float, float, float, float], s: float) -> None:
    x0, y0, x1, y1 = box
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
        n = max(2, int(((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5 / (s * 2.2)))
        for i in range(0, n, 2):
            p = (a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n)
            q = (a[0] + (b[0] - a[0]) * (i + 1) / n, a[1] + (b[1] - a[1]) * (i + 1) / n)
            d.line((p, q), fill=(*INK, 255), width=int(s / 2.2))
            d.line((p, q), fill=(255, 255, 255, 240), width=int(s / 4))


def _move_overlay(
    layer: Image.Image,
    move_text: str,
    focus: tuple[float, float],
    region: tuple[float, float, float, float],
) -> None:
    """Camera-move notation inside region (below the notes, above the app's bottom quarter)."""
    w, h = layer.size
    d = ImageDraw.Draw(layer)
    move = parse_move(move_text)
    s = min(w, h) * 0.028
    rx0, ry0, rx1, ry1 = region
    rw, rh = rx1 - rx0, ry1 - ry0
    if move.kind in ("push", "pull"):
        iw, ih = rw * 0.5, rh * 0.5
        cx = min(max(focus[0] * w, rx0 + iw / 2 + s * 3), rx1 - iw / 2 - s * 3)
        cy = min(max(focus[1] * h, ry0 + ih / 2 + s * 3), ry1 - ih / 2 - s * 3)
        inner = (cx - iw / 2, cy - ih / 2, cx + iw / 2, cy + ih / 2)
        _dashed_rect(d, inner, s)
        for ox, oy, ix, iy in (
            (rx0, ry0, inner[0], inner[1]),
            (rx1, ry0, inner[2], inner[1]),
            (rx0, ry1, inner[0], inner[3]),
            (rx1, ry1, inner[2], inner[3]),
        ):
            a, b = (ox, oy), (ix + (ox - ix) * 0.15, iy + (oy - iy) * 0.15)
            _arrow(d, a if move.kind == "push" else b, b if move.kind == "push" else a, s)
        anchor = (inner[0] + s * 0.8, inner[1] + s * 0.8)
    elif move.kind in ("pan", "handheld"):
        y = ry1 - s * 2
        if move.kind == "pan":
            a, b = (rx0 + s, y), (rx1 - s, y)
            _arrow(d, a if move.dx > 0 else b, b if move.dx > 0 else a, s * 1.4)
        else:
            pts = [
                (rx0 + s + i * (rw - 2 * s) / 16, y + s * (i % 2 - 0.5) * (1.2 + (i % 3) / 2.5))
                for i in range(17)
            ]
            d.line(pts, fill=(*INK, 255), width=int(s * 0.6), joint="curve")
            d.line(pts, fill=(255, 255, 255, 240), width=int(s * 0.3), joint="curve")
        anchor = (rx0 + s, y - s * 4.4)
    elif move.kind == "tilt":
        x = rx0 + s * 1.6
        a, b = (x, ry1 - s), (x, ry0 + s)
        _arrow(d, a if move.dy < 0 else b, b if move.dy < 0 else a, s * 1.4)
        anchor = (x + s * 1.8, (a[1] + b[1]) / 2)
    else:  # static: a small tripod
        x, y = rx0 + s * 1.6, ry1 - s * 2.2
        for dx in (-1.3, 0, 1.3):
            leg = ((x, y - s), (x + dx * s, y + s * 1.8))
            d.line(leg, fill=(*INK, 255), width=int(s * 0.5))
            d.line(leg, fill=(255, 255, 255, 240), width=int(s * 0.25))
        d.rectangle(
            (x - s, y - s * 1.9, x + s * 1.2, y - s * 0.9),
            fill=(255, 255, 255, 240),
            outline=(*INK, 255),
            width=int(s / 5),
        )
        anchor = (x + s * 2.2, y - s * 0.9)
    draw_label(d, anchor, move.label, (250, 214, 70), int(s * 1.2), center=False)


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


_Line = tuple[str, ImageFont.FreeTypeFont, RGB, int]


def _caption(req: FrameRequest) -> tuple[list[_Line], tuple[int, int, int, int]]:
    """The notes box: shot id, timing, size and move, slugline, and the lines of dialogue."""
    w, h = req.width, req.height
    r = min(w, h)
    x0, y0 = int(0.06 * w), int((0.065 if h > w else 0.05) * h)
    x1 = int(w * (1 - SAFE_RIGHT)) if h > w else int(w * 0.62)
    pad = int(r * 0.022)
    f_head, f_slug, f_text = font(int(r * 0.032), True), font(int(r * 0.024)), font(int(r * 0.042))
    move = parse_move(req.move).label.lower() if req.move.lower() != "static" else "static"
    head = f"{req.shot_id}  ·  {req.duration:.1f} s  ·  {req.size.upper()} {move}"
    where = "INT" if req.interior else "EXT"
    slug = f"{where}. {req.location.upper()} – {req.time_of_day.upper()}  ·  {req.angle.lower()}"
    inner = x1 - x0 - 2 * pad
    gold, cue, white = (250, 214, 70), (150, 205, 255), (255, 255, 255)
    lines: list[_Line] = [(head, f_head, gold, 0)]
    lines += [(t, f_slug, (190, 196, 210), 0) for t in wrap_text(slug, f_slug, inner)[:2]]
    budget = 5  # dialogue lines that fit; the rest is elided
    for raw in req.caption.splitlines():
        m = re.match(r"^\s*([^:：]{1,24})[:：]\s*(.+)$", raw)
        speaker, said = (m.group(1).strip(), m.group(2).strip()) if m else ("", raw.strip())
        if budget <= 0 or not said:
            continue
        if speaker:
            lines.append((speaker.upper(), f_head, cue, pad // 2))
        wrapped = wrap_text(said, f_text, inner)
        if len(wrapped) > budget:  # elide, keeping the last line inside the box
            last = wrapped[budget - 1]
            while last and f_text.getlength(last.rstrip() + "…") > inner:
                last = last[:-1]
            wrapped = [*wrapped[: budget - 1], last.rstrip() + "…"]
        budget -= len(wrapped)
        gap = 0 if speaker else pad // 2
        lines += [(t, f_text, white, 0 if i else gap) for i, t in enumerate(wrapped)]
    box = (x0, y0, x1, y0 + 2 * pad + sum(int(f.size * 1.32) + g for _, f, _, g in lines))
    return lines, box


def _draw_caption(img: Image.Image, lines: list[_Line], box: tuple[int, int, int, int]) -> None:
    x0, y0 = box[:2]
    pad = int(min(img.size) * 0.022)
    gold = (250, 214, 70)
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    ld = ImageDraw.Draw(layer)
    ld.rectangle(box, fill=(10, 12, 18, 214))
    ld.rectangle((x0, y0, x0 + max(4, pad // 3), box[3]), fill=(*gold, 255))
    img.paste(Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB"))
    d = ImageDraw.Draw(img)
    y = y0 + pad
    for text, f, col, gap in lines:
        y += gap
        d.text((x0 + pad + pad // 2, y), text, font=f, fill=col)
        y += int(f.size * 1.32)


class StoryboardBackend:
    """ImageBackend that draws storyboard panels and character sheets with Pillow."""

    name = "storyboard"

    def render(self, req: FrameRequest, out: Path) -> Path:
        """Draw the shot at req.width x req.height as a PNG; layout notes ride in its metadata."""
        w, h = req.width, req.height
        W, H = w * SS, h * SS
        lines, box = _caption(req)
        lay = _layout(req, W, H, clear=box[3] * SS)
        look = _Look(req.time_of_day.upper(), max(-1.0, min(1.0, req.mood_valence)))
        rng = _rng(req.location, req.interior, req.seed)
        img = Image.new("RGB", (W, H))
        depth = _SIZES.get(req.size.upper(), _SIZES["MS"])[2]  # how far the wall is behind
        k_fig = lay.head / 0.23  # pixels per metre at the figures
        cam = {"high": 3.2, "overhead": 9.0, "low": 0.7}.get(req.angle.lower(), 1.6)
        if req.angle.lower() == "overhead":
            _ground(img, look, req.interior, k_fig * depth, rng)
        elif req.interior:
            _interior(img, look, req.location, lay.horizon, k_fig * depth, cam, rng)
        else:
            _exterior(img, look, req.location, lay.horizon, rng)
        if req.size.upper() in ("ECU", "CU", "MCU"):  # a long lens throws the background soft
            img = img.reduce(8).filter(ImageFilter.GaussianBlur(2))
            img = img.resize((W, H), Resampling.BILINEAR)
        vig = {"NIGHT": 0.75, "DUSK": 0.5, "DAWN": 0.45}.get(look.tod, 0.32)
        img = Image.composite(
            img, Image.new("RGB", img.size, (0, 0, 0)), _vignette(img.size, vig).convert("L")
        )
        d = ImageDraw.Draw(img)
        overhead = req.angle.lower() == "overhead"
        label_px = int(min(W, H) * (0.024 if req.size.upper() == "EWS" else 0.03))
        tags: list[_Tag] = []
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
        bottom = 0.74 if h > w else 0.93  # vertical apps cover the bottom quarter
        region = (0.05 * W, box[3] * SS + 0.03 * H, W * (0.86 if h > w else 0.95), bottom * H)
        _move_overlay(layer, req.move, lay.focus, region)
        for anchor, name, colour, px in tags:
            draw_label(ImageDraw.Draw(layer), anchor, name, colour, px)
        img = Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB").reduce(SS)
        border = max(2, w // 400)
        ImageDraw.Draw(img).rectangle((0, 0, w - 1, h - 1), outline=INK, width=border)
        under = io.BytesIO()  # the picture under the notes, so the animatic can move it cleanly
        pinned = (box[0], box[1], box[2] + 1, box[3] + 1)  # rectangle() paints its far edge too
        img.crop(pinned).save(under, "JPEG", quality=88)
        _draw_caption(img, lines, box)
        meta = PngImagePlugin.PngInfo()
        meta.add_text(
            META_KEY,
            json.dumps(
                {
                    "static_boxes": [pinned],
                    "focus": lay.focus,
                    "move": req.move,
                    "size": req.size,
                    "border": [*INK, border],
                    "under": base64.b64encode(under.getvalue()).decode("ascii"),
                }
            ),
        )
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
            d.ellipse(_oval(W * cx, floor, head * 1.4, head * 0.2), fill=(214, 208, 198))
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
