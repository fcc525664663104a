"""Subtitle files: SRT round trip, ASS layout inside the vertical safe area, wrapping."""

from __future__ import annotations

from pathlib import Path

import pysubs2
import pytest
import srt
from pydantic import ValidationError

from reelwright.tools.subtitles import (
    Cue,
    caption_layout,
    fit_cues,
    text_em,
    wrap_text,
    write_ass,
    write_srt,
)

CUES = [
    Cue(start=0.5, end=2.0, text="You came late."),
    Cue(start=2.2, end=4.0, text="你来晚了。海不会等任何人，妈妈还在船上！"),
]


def test_srt_round_trip(tmp_path: Path) -> None:
    path = write_srt(CUES, tmp_path / "ep.srt")
    subs = list(srt.parse(path.read_text(encoding="utf-8")))
    assert [s.content for s in subs] == [c.text for c in CUES]
    assert subs[1].start.total_seconds() == pytest.approx(2.2)
    assert subs[1].end.total_seconds() == pytest.approx(4.0)


def test_cue_must_end_after_it_starts() -> None:
    with pytest.raises(ValidationError):
        Cue(start=2.0, end=1.0, text="x")


def test_ass_layout_keeps_out_of_bottom_quarter_and_right_column(tmp_path: Path) -> None:
    path = write_ass(CUES, tmp_path / "ep.ass", 1080, 1920, "Noto Sans CJK SC")
    subs = pysubs2.load(str(path))
    assert subs.info["PlayResX"] == "1080" and subs.info["PlayResY"] == "1920"
    style = subs.styles["Default"]
    assert style.fontname == "Noto Sans CJK SC"
    assert style.alignment == pysubs2.Alignment.BOTTOM_CENTER
    assert style.marginv >= 1920 // 4
    assert style.marginr > style.marginl  # the platform's buttons are on the right
    assert style.outline >= 2
    assert [e.text for e in subs] == ["You came late.", CUES[1].text.replace("，", "，\\N", 1)]


def test_wrap_chinese_breaks_after_punctuation_and_fits() -> None:
    lay = caption_layout(1080, 1920)
    lines = wrap_text("你来晚了。海不会等任何人，妈妈还在船上等我们！", lay.max_em)
    assert len(lines) == 2
    assert all(text_em(line) <= lay.max_em for line in lines)
    assert lines[0].endswith("，")
    assert not any(line[0] in "，。！" for line in lines)


def test_wrap_english_by_words_and_splits_overlong_words() -> None:
    lines = wrap_text("The sea does not wait for anyone, and mother is still out there.", 12)
    assert len(lines) >= 2
    assert " ".join(lines) == "The sea does not wait for anyone, and mother is still out there."
    long = wrap_text("N" + "o" * 60 + "!", 12)
    assert len(long) > 1 and all(text_em(line) <= 12 for line in long)


def test_fit_cues_splits_long_cues_in_time() -> None:
    lay = caption_layout(1080, 1920)
    text = (
        "你来晚了。海不会等任何人，妈妈还在船上，我们必须现在就走！风浪太大了，船已经翻了，快跑！"
    )
    out = fit_cues([Cue(start=10.0, end=16.0, text=text)], lay, max_lines=2)
    assert len(out) >= 2
    assert out[0].start == 10.0 and out[-1].end == 16.0
    assert all(a.end == pytest.approx(b.start) for a, b in zip(out, out[1:], strict=False))
    assert all(len(wrap_text(c.text, lay.max_em)) <= 2 for c in out)
    assert "".join(c.text for c in out) == text
