"""Storyboard figures: characters by silhouette, view and mood, and their name tags."""

from __future__ import annotations

from PIL import ImageDraw

from ..media import RGB, Figure
from .style import INK, SAFE_RIGHT, font, mix, oval

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
Tag = tuple[tuple[float, float], str, RGB, int]  # anchor, name, colour, pixel size


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
) -> Tag | None:
    """One character, head top at ty, head h tall; view: front, left, right, side or back.

    Returns where its name tag goes, so tags can be drawn above the move notation.
    """
    shoulders, waist, body, hair_style = _SHAPES[fig.shape % len(_SHAPES)]
    col = fig.color
    hair, legs, dark = mix(col, (34, 26, 22), 0.82), mix(col, INK, 0.55), mix(col, INK, 0.3)
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
        d.ellipse(oval(px, ty + h, 0.16 * h, 0.7 * h), fill=hair, outline=INK, width=lw)
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
            _limb(d, (sx, ys + 0.15 * h), (hx, ty + 3.75 * h), 0.36 * h, mix(col, INK, 0.12), lw)
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
    hat = mix(col, INK, 0.45)
    fringe = {"short": 0.3, "crew": 0.2, "long": 0.33, "bun": 0.26, "ponytail": 0.28, "hat": 0.2}
    arc = (cx - 0.44 * h, ty - 0.06 * h, cx + 0.44 * h, ty + (2 * fringe[hair_style] + 0.06) * h)
    if side:
        d.pieslice(
            oval(cx - 0.01 * h, ty + 0.43 * h, 0.43 * h, 0.49 * h),
            125,
            330,
            fill=hair,
            outline=INK,
            width=lw,
        )
        d.ellipse(
            oval(cx - 0.11 * h, ty + 0.53 * h, 0.06 * h, 0.09 * h),
            fill=SKIN,
            outline=INK,
            width=lw,
        )
    elif not back:
        d.chord(arc, 180, 360, fill=hair, outline=INK, width=lw)
    if hair_style == "bun":
        d.ellipse(oval(cx, ty - 0.09 * h, 0.22 * h, 0.21 * h), fill=hair, outline=INK, width=lw)
    if hair_style == "hat":
        d.rounded_rectangle(
            oval(cx, ty - 0.03 * h, 0.4 * h, 0.29 * h),
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
            d.ellipse(oval(ex, ey, 0.1 * h, 0.05 * h), fill=(250, 248, 244), outline=INK, width=lw)
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
    # The nose is a bridge and a foot, not an arc: an arc under the eyes reads as a
    # second mouth in a close-up.
    d.line(
        [
            (mx + 0.02 * h, ty + 0.54 * h),
            (mx - 0.035 * h, ty + 0.645 * h),
            (mx + 0.03 * h, ty + 0.655 * h),
        ],
        fill=mix(SKIN, INK, 0.45),
        width=lw,
        joint="curve",
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
) -> Tag | None:
    """A figure seen from straight above: shoulders, arms, the crown of the head."""
    shoulders, _w, _b, hair_style = _SHAPES[fig.shape % len(_SHAPES)]
    lw = max(2, min(int(h * 0.035), 14))
    sw = shoulders * h
    for sgn in (-1, 1):
        d.ellipse(
            oval(cx + sgn * sw / 2, cy + 0.4 * h, 0.2 * h, 0.5 * h),
            fill=mix(fig.color, INK, 0.12),
            outline=INK,
            width=lw,
        )
    d.ellipse(
        (cx - sw / 2, cy - 0.38 * h, cx + sw / 2, cy + 0.38 * h),
        fill=fig.color,
        outline=INK,
        width=lw,
    )
    hair = mix(fig.color, (34, 26, 22), 0.82)
    r = 0.7 * h if hair_style == "hat" else 0.42 * h
    top = mix(fig.color, INK, 0.45) if hair_style == "hat" else hair
    d.ellipse(oval(cx, cy, r, r), fill=top, outline=INK, width=lw)
    if label_px:
        return ((cx, cy + 1.0 * h), fig.name, fig.color, label_px)
    return None
