"""The set behind a storyboard panel: the shot's light, sky, skyline, rooms and ground.

Palettes and set dressing are picked from the location's words, the time of day and the
scene's mood, with a seeded random stream so the same request gives the same set.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from PIL.Image import Resampling

from ..media import RGB
from .style import mix, oval

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


@dataclass(frozen=True)
class Look:
    """The light of one shot: time of day, tinted by the scene's mood."""

    tod: str
    valence: float

    def mood(self, c: RGB) -> RGB:
        if self.valence >= 0:
            return mix(c, (255, 212, 156), 0.16 * self.valence)
        grey = round(0.3 * c[0] + 0.59 * c[1] + 0.11 * c[2])
        return mix(
            mix(c, (grey, grey, grey), 0.35 * -self.valence), (58, 76, 112), 0.22 * -self.valence
        )

    def lit(self, albedo: RGB, gain: float = 1.0) -> RGB:
        light, level = _LIGHT.get(self.tod, _LIGHT["DAY"])
        pairs = zip(albedo, light, strict=True)
        v = [min(255, round(a * c / 255 * level * gain)) for a, c in pairs]
        return self.mood((v[0], v[1], v[2]))

    def sky(self) -> tuple[RGB, RGB]:
        top, bottom = _SKY.get(self.tod, _SKY["DAY"])
        return self.mood(top), self.mood(bottom)


def _vgrad(size: tuple[int, int], stops: list[tuple[float, RGB]]) -> Image.Image:
    """A vertical gradient through (y, colour) stops, cheap at any size."""
    w, h = size
    ys = np.arange(h, dtype=np.float32)
    pos = np.array([s[0] for s in stops], dtype=np.float32)
    col = np.stack([np.interp(ys, pos, [s[1][c] for s in stops]) for c in range(3)], axis=1)
    return Image.fromarray(col.astype(np.uint8)[:, None, :]).resize((w, h), Resampling.NEAREST)


def vignette(size: tuple[int, int], strength: float) -> Image.Image:
    """A mask that darkens the corners by strength: white in the middle, greyer outward."""
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


def _sky_and_sun(img: Image.Image, look: Look, horizon: float, rng: random.Random) -> float:
    """Sun, moon, stars and clouds above the horizon; returns the sun's x for reflections."""
    w = img.width
    d = ImageDraw.Draw(img)
    if look.tod == "NIGHT":
        for _ in range(90):
            x, y = rng.uniform(0, w), rng.uniform(0, max(horizon, 1) * 0.85)
            star = rng.choice((2, 2, 3, 4))
            d.ellipse(oval(x, y, star, star), fill=(230, 234, 255))
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
        cloud = look.mood(mix(look.sky()[1], (255, 255, 255), 0.55))
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


def draw_exterior(
    img: Image.Image, look: Look, loc: str, horizon: float, rng: random.Random
) -> None:
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
    far = look.lit(mix(ground, (150, 160, 180), 0.5), 0.75)
    if kind == "city":
        x = -rng.uniform(0, w * 0.1)
        while x < w:
            bw, bh = w * rng.uniform(0.08, 0.18), h * rng.uniform(0.06, 0.22)
            shade = mix(far, (0, 0, 0), rng.uniform(0, 0.25))
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
            shine = mix(g0, {"NIGHT": (220, 224, 230)}.get(look.tod, (255, 190, 110)), 0.45)
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


def draw_interior(
    img: Image.Image,
    look: Look,
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
    floor = look.lit(mix(paint, (120, 84, 58), 0.7), 0.8)
    img.paste(
        _vgrad(
            (w, h),
            [
                (min(0, ceil_y - 1), look.lit(paint, 0.55)),
                (ceil_y, wall0),
                (floor_y, wall1),
                (floor_y + 1, floor),
                (max(h, floor_y + 2), mix(floor, (0, 0, 0), 0.3)),
            ],
        )
    )
    d = ImageDraw.Draw(img)
    line = mix(wall1, (0, 0, 0), 0.35)
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
    frame_c = mix(paint, (60, 44, 34), 0.7)
    if look.tod != "NIGHT":  # sunlight falls through the window onto the floor
        patch = look.lit((255, 240, 210), 1.15)
        d.polygon(
            [
                (box[0], floor_y + 4),
                (box[2], floor_y + 4),
                (box[2] + side * -0.2 * w + ww, h),
                (box[0] + side * -0.2 * w, h),
            ],
            fill=mix(floor, patch, 0.25),
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
        fill=mix(frame_c, wall1, 0.2),
        outline=mix(frame_c, (0, 0, 0), 0.4),
        width=t,
    )
    knob = (dx + side * dw * 0.35, floor_y - 1.0 * k)
    d.ellipse((knob[0] - t, knob[1] - t, knob[0] + t, knob[1] + t), fill=(200, 170, 90))
    if look.tod == "NIGHT":  # a practical lamp keeps a night interior readable
        lx, ly = w / 2 + side * w * 0.02, ceil_y + 0.35 * k
        _glow(img, (lx, ly), w * 0.6, (255, 196, 120), 90)
    return (wx / w, (box[1] + box[3]) / 2 / h)


def draw_ground(img: Image.Image, look: Look, interior: bool, k: float, rng: random.Random) -> None:
    """Looking straight down: floorboards and a rug indoors, ground and stones outdoors."""
    w, h = img.size
    base = look.lit((150, 112, 80) if interior else (112, 128, 84), 0.9)
    img.paste(base, (0, 0, w, h))
    d = ImageDraw.Draw(img)
    line = mix(base, (0, 0, 0), 0.3)
    if interior:
        step = max(0.18 * k, w * 0.05)
        for i in range(int(w / step) + 2):
            d.line((i * step, 0, i * step, h), fill=line, width=max(3, int(step * 0.03)))
            for y in np.arange(rng.uniform(0, 1) * h * 0.3, h, h * 0.3):
                d.line((i * step, y, (i + 1) * step, y), fill=line, width=3)
        rug = mix(_PAINTS[rng.randrange(len(_PAINTS))], (150, 60, 50), 0.5)
        d.rectangle(
            (w * 0.15, h * 0.3, w * 0.85, h * 0.7), fill=look.lit(rug), outline=line, width=8
        )
    else:
        for _ in range(120):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), w * rng.uniform(0.004, 0.015)
            d.ellipse(oval(x, y, r, r * 0.7), fill=mix(base, (0, 0, 0), rng.uniform(0.1, 0.3)))
