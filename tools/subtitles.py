"""Subtitles: SRT for delivery, ASS for burn-in with a vertical-video safe layout.

Short-drama platforms draw their own UI over the bottom quarter (caption, handle) and the
right-hand column (like, comment, share), so burned-in captions sit above the one and clear
of the other. libass does not break Chinese lines (no spaces), so lines are wrapped here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pysubs2
import srt
from pydantic import BaseModel, Field, model_validator

# Characters that must not start a line (attach to the previous token) and that must not
# end one (attach to the next).
_NO_LINE_START = set("，。！？、；：,.!?;:)]}」』）》〉】〕…—～%'\"”’")
_NO_LINE_END = set("([{「『（《〈【〔“‘")
_LINE_HEIGHT_EM = 1.448
MAX_LINES = 2  # a cue never wraps to more lines than this


class Cue(BaseModel):
    """One subtitle, in episode seconds."""

    start: float = Field(ge=0)
    end: float
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> Cue:
        if self.end <= self.start:
            raise ValueError(f"cue ends ({self.end}) before it starts ({self.start})")
        return self


class CaptionLayout(BaseModel):
    """Where burned-in captions go, in pixels of the video (= ASS PlayRes)."""

    width: int
    height: int
    font_size: int
    margin_l: int
    margin_r: int
    margin_v: int = Field(description="Bottom margin: text ends above the bottom quarter")
    outline: float
    shadow: float

    @property
    def text_width(self) -> int:
        return self.width - self.margin_l - self.margin_r

    @property
    def em_px(self) -> float:
        """Width of one CJK character: libass scales the font so that ascender plus
        descender equal the style's size (1.448 em for Noto Sans CJK)."""
        return self.font_size / _LINE_HEIGHT_EM

    @property
    def max_em(self) -> float:
        """Line width budget in ems, with 5% slack for the estimate."""
        return self.text_width / self.em_px * 0.95

    @property
    def bottom(self) -> int:
        """The lowest pixel row a caption's glyphs reach."""
        return self.height - self.margin_v

    @property
    def top(self) -> int:
        """The highest row a caption of MAX_LINES lines reaches: what a frame's own marks
        (move badges, name tags) keep clear of."""
        return self.bottom - math.ceil(MAX_LINES * self.font_size * 1.25)


def caption_layout(width: int, height: int) -> CaptionLayout:
    """The safe caption box: glyphs about 2.6% of the height (50 px at 1920), ending
    above 73% of the height, 6% from the left, 16% from the right (the button column)."""
    font = max(10, round(height * 0.038))
    return CaptionLayout(
        width=width,
        height=height,
        font_size=font,
        margin_l=round(width * 0.06),
        margin_r=round(width * 0.16),
        margin_v=math.ceil(height * 0.27),
        outline=max(1.0, round(height * 0.0026, 1)),
        shadow=max(0.5, round(height * 0.001, 1)),
    )


def _char_em(ch: str) -> float:
    """Approximate advance of a character in ems (CJK = 1, Latin about half)."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch == " ":
        return 0.28
    if ch in "MW@%":
        return 0.9
    if ch in "mw":
        return 0.8
    if ch in "iljtfrI.,;:!'|":
        return 0.3
    if ch.isupper():
        return 0.66
    return 0.55


def text_em(text: str) -> float:
    return sum(_char_em(c) for c in text)


def _tokens(text: str) -> list[str]:
    """Split into unbreakable pieces: Latin words (with their trailing space), single CJK
    characters, with punctuation glued to the side it belongs to."""
    raw: list[str] = []
    word = ""
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in ("W", "F")
        if ch == " ":
            if word:
                raw.append(word + " ")
                word = ""
            elif raw:
                raw[-1] += " "
        elif wide:
            if word:
                raw.append(word)
                word = ""
            raw.append(ch)
        else:
            word += ch
    if word:
        raw.append(word)
    tokens: list[str] = []
    for tok in raw:
        stripped = tok.strip()
        if tokens and stripped and stripped[0] in _NO_LINE_START and len(stripped) == 1:
            tokens[-1] += tok
        elif tokens and tokens[-1].strip() and tokens[-1].strip()[-1] in _NO_LINE_END:
            tokens[-1] += tok
        else:
            tokens.append(tok)
    return tokens


def _greedy(tokens: list[str], limit: float) -> list[str]:
    """Fill lines up to `limit`, preferring to break after punctuation when that keeps
    the line at least 60% full (so 海不会等任 / 何人 becomes 海不会等任何人， / ...)."""
    lines: list[list[str]] = []
    cur: list[str] = []
    for tok in tokens:
        if cur and text_em("".join(cur + [tok]).rstrip()) > limit:
            cut = len(cur)
            for i in range(len(cur) - 1, 0, -1):
                if text_em("".join(cur[: i + 1]).rstrip()) < 0.6 * limit:
                    break
                if cur[i].rstrip()[-1:] in _NO_LINE_START:
                    cut = i + 1
                    break
            lines.append(cur[:cut])
            cur = cur[cut:] + [tok]
        else:
            cur.append(tok)
    if cur:
        lines.append(cur)
    return [t for t in ("".join(line).strip() for line in lines) if t]


def _split_long(tokens: list[str], max_em: float) -> list[str]:
    """Cut a token wider than a line (a URL, a shouted "NOOOO...") by characters."""
    out: list[str] = []
    for tok in tokens:
        while text_em(tok.rstrip()) > max_em:
            cut = 1
            while cut < len(tok) and text_em(tok[: cut + 1]) <= max_em:
                cut += 1
            out.append(tok[:cut])
            tok = tok[cut:]
        if tok:
            out.append(tok)
    return out


def _score(lines: list[str]) -> tuple[int, int, float]:
    """Lower is better: fewer lines, fewer breaks inside a run of Chinese, evener lines."""
    bad = sum(
        1
        for a, b in zip(lines, lines[1:], strict=False)
        if _is_wide(a[-1:]) and a[-1] not in _NO_LINE_START and _is_wide(b[:1])
    )
    widths = [text_em(line) for line in lines]
    return len(lines), bad, max(widths) - min(widths)


def _is_wide(ch: str) -> bool:
    return bool(ch) and unicodedata.east_asian_width(ch) in ("W", "F")


def wrap_text(text: str, max_em: float) -> list[str]:
    """Wrap to lines no wider than `max_em` ems, balancing line lengths (a short last
    line under a long first one reads badly in a narrow vertical frame)."""
    lines_out: list[str] = []
    for para in text.replace("\\N", "\n").splitlines():
        para = " ".join(para.split())
        if not para:
            continue
        tokens = _split_long(_tokens(para), max_em)
        total = text_em(para)
        n = max(1, math.ceil(total / max_em))
        best = _greedy(tokens, max_em)
        best_score = _score(best)
        limit = total / n
        while limit < max_em:
            lines = _greedy(tokens, limit)
            if len(lines) <= n and _score(lines) < best_score:
                best, best_score = lines, _score(lines)
            limit += 0.5
        lines_out.extend(best)
    return lines_out


_CLAUSE_END = re.compile(r"(?<=[。！？；，、,.!?;…])\s*")


def _join(a: str, b: str) -> str:
    if not a or not b:
        return a + b
    return a + ("" if not a[-1].isascii() or not b[0].isascii() else " ") + b


def _chunks(text: str, max_em: float, max_lines: int) -> list[str]:
    """Pack whole clauses into pieces that wrap to at most `max_lines` lines; a clause
    too long on its own is cut at line ends."""
    pieces: list[str] = []
    cur = ""
    for clause in (c.strip() for c in _CLAUSE_END.split(text)):
        if not clause:
            continue
        candidate = _join(cur, clause)
        if len(wrap_text(candidate, max_em)) <= max_lines:
            cur = candidate
            continue
        if cur:
            pieces.append(cur)
        lines = wrap_text(clause, max_em)
        while len(lines) > max_lines:
            pieces.append(_join_lines(lines[:max_lines]))
            lines = lines[max_lines:]
        cur = _join_lines(lines)
    if cur:
        pieces.append(cur)
    return pieces


def _join_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        out = _join(out, line)
    return out


def fit_cues(cues: Sequence[Cue], layout: CaptionLayout, max_lines: int = MAX_LINES) -> list[Cue]:
    """Split cues that would wrap to more than `max_lines` lines into consecutive cues,
    at clause ends where possible, sharing the time by text width, so a caption never
    covers much of the picture."""
    max_em = layout.max_em
    out: list[Cue] = []
    for cue in sorted(cues, key=lambda c: c.start):
        if len(wrap_text(cue.text, max_em)) <= max_lines:
            out.append(cue)
            continue
        pieces = _chunks(" ".join(cue.text.replace("\\N", " ").split()), max_em, max_lines)
        weights = [max(text_em(p), 1.0) for p in pieces]
        total = sum(weights)
        t = cue.start
        for i, (piece, w) in enumerate(zip(pieces, weights, strict=True)):
            end = cue.end if i == len(pieces) - 1 else t + (cue.end - cue.start) * w / total
            out.append(Cue(start=t, end=max(end, t + 0.001), text=piece))
            t = end
    return out


def write_srt(cues: Sequence[Cue], path: Path) -> Path:
    """Write an SRT file (the delivery subtitle users upload next to the MP4)."""
    subs = [
        srt.Subtitle(
            index=i + 1,
            start=timedelta(seconds=round(c.start, 3)),
            end=timedelta(seconds=round(c.end, 3)),
            content=c.text.strip() or " ",
        )
        for i, c in enumerate(sorted(cues, key=lambda c: c.start))
    ]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(srt.compose(subs), encoding="utf-8")
    return path


def _ass_escape(line: str) -> str:
    """ASS has no escape for override braces or a lone backslash: replace them."""
    return line.replace("\\", "/").replace("{", "(").replace("}", ")")


def write_ass(
    cues: Sequence[Cue],
    path: Path,
    width: int,
    height: int,
    font_family: str,
    *,
    layout: CaptionLayout | None = None,
    max_lines: int = MAX_LINES,
) -> Path:
    """Write an ASS file for burn-in, sized to the video and wrapped to the safe box;
    cues longer than `max_lines` lines are split in time (see `fit_cues`)."""
    lay = layout or caption_layout(width, height)
    subs = pysubs2.SSAFile()
    subs.info["PlayResX"] = str(width)
    subs.info["PlayResY"] = str(height)
    subs.info["WrapStyle"] = "0"
    subs.info["ScaledBorderAndShadow"] = "yes"
    subs.styles["Default"] = pysubs2.SSAStyle(
        fontname=font_family,
        fontsize=lay.font_size,
        primarycolor=pysubs2.Color(255, 255, 255, 0),
        secondarycolor=pysubs2.Color(255, 220, 120, 0),
        outlinecolor=pysubs2.Color(0, 0, 0, 0),
        backcolor=pysubs2.Color(0, 0, 0, 110),
        bold=True,
        borderstyle=1,
        outline=lay.outline,
        shadow=lay.shadow,
        alignment=pysubs2.Alignment.BOTTOM_CENTER,
        marginl=lay.margin_l,
        marginr=lay.margin_r,
        marginv=lay.margin_v,
    )
    max_em = lay.max_em
    for cue in fit_cues(cues, lay, max_lines):
        lines = [_ass_escape(line) for line in wrap_text(cue.text, max_em)]
        if not lines:
            continue
        subs.append(
            pysubs2.SSAEvent(
                start=round(cue.start * 1000), end=round(cue.end * 1000), text="\\N".join(lines)
            )
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    subs.save(str(path), encoding="utf-8", format_="ass")
    return path
