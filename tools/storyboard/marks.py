"""Marks drawn over a storyboard panel: camera-move arrows, the notes box, layout notes.

The layout notes ride in the PNG's metadata for the animatic, which moves the picture
and keeps the notes box still.
"""

from __future__ import annotations

import base64
import io
import json
import re

from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

from ..animatic import META_KEY, parse_move
from ..media import RGB, FrameRequest
from .figures import draw_label
from .style import INK, SAFE_RIGHT, font, wrap_text


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


def move_overlay(
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


_Line = tuple[str, ImageFont.FreeTypeFont, RGB, int]


def caption_box(req: FrameRequest) -> tuple[list[_Line], tuple[int, int, int, int]]:
    """The notes box: shot id, size and move, slugline, and the lines of dialogue."""
    w, h = req.width, req.height
    r = min(w, h)
    x0, y0 = int(0.06 * w), int((0.065 if h > w else 0.05) * h)
    x1 = int(w * (1 - SAFE_RIGHT)) if h > w else int(w * 0.62)
    pad = int(r * 0.022)
    f_head, f_slug, f_text = font(int(r * 0.032), True), font(int(r * 0.024)), font(int(r * 0.042))
    move = parse_move(req.move).label.lower() if req.move.lower() != "static" else "static"
    # No length: the editor decides it, and a trimmed shot would show the planned one.
    head = f"{req.shot_id}  ·  {req.size.upper()} {move}"
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


def draw_caption(img: Image.Image, lines: list[_Line], box: tuple[int, int, int, int]) -> None:
    """The notes box over the finished picture: a dark panel with a gold edge, then its lines."""
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


def layout_meta(
    img: Image.Image,
    box: tuple[int, int, int, int],
    focus: tuple[float, float],
    req: FrameRequest,
    border: int,
) -> PngImagePlugin.PngInfo:
    """The PNG text chunk the animatic reads: the notes box, the focus, the picture under it.

    Call it before the notes are drawn, so the stored picture is the one they cover.
    """
    under = io.BytesIO()  # the picture under the notes, so the animatic can move it cleanly
    pinned = (box[0], box[1], box[2] + 1, box[3] + 1)  # rectangle() paints its far edge too
    img.crop(pinned).save(under, "JPEG", quality=88)
    meta = PngImagePlugin.PngInfo()
    meta.add_text(
        META_KEY,
        json.dumps(
            {
                "static_boxes": [pinned],
                "focus": focus,
                "move": req.move,
                "size": req.size,
                "border": [*INK, border],
                "under": base64.b64encode(under.getvalue()).decode("ascii"),
            }
        ),
    )
    return meta
