"""Storyboard frames and sheets: size, blocking, character colours, CJK captions, and
the frame check that keeps blank or wrong-size frames out of the edit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from reelwright.tools.frame_check import FrameCheckError, check_frame, render_checked
from reelwright.tools.media import Figure, FrameRequest, SheetRequest
from reelwright.tools.storyboard import StoryboardBackend, font, wrap_text

MING = Figure(name="Ming", color=(200, 40, 40), shape=0, position="left")
LAN = Figure(name="Lan", color=(40, 90, 210), shape=2, position="right")


def request(**changes: object) -> FrameRequest:
    fields: dict[str, object] = dict(
        shot_id="1.2.3", width=540, height=960, prompt="", location="Kitchen", interior=True,
        time_of_day="DAY", size="MS", move="push in", duration=3.5,
        caption="MING: Where were you last night?", figures=[MING, LAN],
    )  # fmt: skip
    fields.update(changes)
    return FrameRequest.model_validate(fields)


def render(tmp_path: Path, name: str, **changes: object) -> np.ndarray:
    out = StoryboardBackend().render(request(**changes), tmp_path / f"{name}.png")
    return np.asarray(Image.open(out).convert("RGB")).astype(int)


def colour_count(region: np.ndarray, colour: tuple[int, int, int], tol: int = 4) -> int:
    """Pixels within tol of colour on every channel."""
    return int((np.abs(region - np.array(colour)).max(axis=2) <= tol).sum())


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)])
def test_frame_has_the_requested_size_and_passes_the_check(tmp_path: Path, size: tuple) -> None:
    w, h = size
    out = StoryboardBackend().render(request(width=w, height=h), tmp_path / "f.png")
    assert Image.open(out).size == (w, h)
    assert check_frame(out, w, h) == []


def test_same_request_gives_the_same_pixels(tmp_path: Path) -> None:
    a = render(tmp_path, "a", size="WS", interior=False, location="Harbor", time_of_day="DUSK")
    b = render(tmp_path, "b", size="WS", interior=False, location="Harbor", time_of_day="DUSK")
    assert np.array_equal(a, b)


@pytest.mark.parametrize(
    "change",
    [
        {"shot_id": "1.2.4"},
        {"size": "CU"},
        {"move": "pan"},
        {"time_of_day": "NIGHT"},
        {"interior": False},
        {"angle": "dutch"},
        {"mood_valence": -0.9},
    ],
)
def test_a_different_shot_gives_a_different_frame(tmp_path: Path, change: dict) -> None:
    base = render(tmp_path, "base")
    other = render(tmp_path, "other", **change)
    assert not np.array_equal(base, other)
    if "shot_id" not in change:  # the picture itself changes, not just the notes
        assert np.abs(base - other).mean() > 0.5, change


def test_night_is_darker_than_day(tmp_path: Path) -> None:
    day = render(tmp_path, "day", figures=[], caption="", interior=False)
    night = render(tmp_path, "night", figures=[], caption="", interior=False, time_of_day="NIGHT")
    assert night.mean() < day.mean() - 40


@pytest.mark.parametrize("size", ["MCU", "MS", "WS"])
def test_a_character_keeps_its_colour_at_its_position(tmp_path: Path, size: str) -> None:
    frame = render(tmp_path, size, size=size)
    left, right = frame[:, : frame.shape[1] // 2], frame[:, frame.shape[1] // 2 :]
    assert colour_count(left, MING.color) > 2000
    assert colour_count(right, LAN.color) > 2000
    assert colour_count(right, MING.color) < 200
    assert colour_count(left, LAN.color) < 200
    swapped = render(
        tmp_path, size + "swap", size=size,
        figures=[MING.model_copy(update={"position": "right"}),
                 LAN.model_copy(update={"position": "left"})],
    )  # fmt: skip
    half = swapped.shape[1] // 2
    assert colour_count(swapped[:, half:], MING.color) > 2000
    assert colour_count(swapped[:, :half], LAN.color) > 2000


def test_each_figure_shape_draws_a_different_silhouette(tmp_path: Path) -> None:
    frames = [
        render(tmp_path, f"s{shape}", size="WS", caption="", move="static",
               figures=[MING.model_copy(update={"shape": shape, "position": "center"})])
        for shape in range(6)
    ]  # fmt: skip
    masks = [(np.abs(f - np.array(MING.color)).max(axis=2) <= 4).tobytes() for f in frames]
    assert len(set(masks)) == 6  # six different outlines in the character's colour


def test_ecu_face_fills_the_frame(tmp_path: Path) -> None:
    ecu = render(tmp_path, "ecu", size="ECU", figures=[MING], caption="", move="static")
    ws = render(tmp_path, "ws", size="WS", figures=[MING], caption="", move="static")
    skin = (238, 204, 174)
    assert colour_count(ecu, skin) > 0.25 * ecu.shape[0] * ecu.shape[1]
    assert colour_count(ws, skin) < 0.02 * ws.shape[0] * ws.shape[1]


def caption_area(tmp_path: Path, name: str, caption: str) -> np.ndarray:
    out = StoryboardBackend().render(request(caption=caption), tmp_path / f"{name}.png")
    with Image.open(out) as im:
        x0, y0, x1, _ = json.loads(im.info["reelwright"])["static_boxes"][0]
        rgb = np.asarray(im.convert("RGB")).astype(int)
    return rgb[y0 : y0 + 260, x0:x1]


def test_chinese_caption_renders_as_glyphs(tmp_path: Path) -> None:
    empty = caption_area(tmp_path, "empty", "")
    first = caption_area(tmp_path, "zh1", "阿海：你在哪里")
    second = caption_area(tmp_path, "zh2", "阿海：我在这里")
    assert np.abs(first - empty).mean() > 1.0
    # Missing glyphs all draw the same box: two different lines would then look alike.
    assert np.abs(first - second).mean() > 0.3
    f = font(48)
    assert f.getbbox("你")[2] > 20
    assert np.asarray(f.getmask("你")).tobytes() != np.asarray(f.getmask("我")).tobytes()


def test_wrap_text_breaks_chinese_between_characters_and_latin_at_spaces() -> None:
    f = font(40)
    zh = wrap_text("海浪太大了，我马上就来救你，坚持住！妈妈你一定要等我回来。", f, 400)
    assert len(zh) > 1
    assert all(f.getlength(line) <= 400 + f.getlength("，") for line in zh)
    assert not any(line[0] in "，。！" for line in zh)
    en = wrap_text("Where were you last night when the storm came in?", f, 400)
    assert len(en) > 1
    assert all(not line.startswith(" ") and " ".join(line.split()) == line for line in en)
    assert " ".join(en) == "Where were you last night when the storm came in?"


def test_reference_sheet_shows_three_views(tmp_path: Path) -> None:
    req = SheetRequest(name="Lan 兰", look="long black hair, blue qipao", figure=LAN,
                       width=960, height=540)  # fmt: skip
    out = StoryboardBackend().render_sheet(req, tmp_path / "sheet.png")
    assert check_frame(out, 960, 540) == []
    sheet = np.asarray(Image.open(out).convert("RGB")).astype(int)
    thirds = [sheet[:, i * 320 : (i + 1) * 320] for i in range(3)]
    assert all(colour_count(third, LAN.color) > 1000 for third in thirds)


# --- frame check -------------------------------------------------------------------


def test_check_frame_catches_blank_wrong_size_missing_and_unreadable(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", (540, 960), (12, 12, 12)).save(blank)
    assert any(p.startswith("blank") for p in check_frame(blank, 540, 960))
    good = StoryboardBackend().render(request(), tmp_path / "good.png")
    problems = check_frame(good, 1080, 1920)
    assert len(problems) == 1 and problems[0].startswith("wrong size")
    assert check_frame(tmp_path / "nope.png", 540, 960)[0].startswith("missing")
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image")
    assert check_frame(junk, 540, 960)[0].startswith("unreadable")


class FlakyBackend:
    """Writes blank frames for the first `bad` calls, then real ones; records seeds."""

    name = "flaky"

    def __init__(self, bad: int) -> None:
        self.bad = bad
        self.seeds: list[int] = []
        self.real = StoryboardBackend()

    def render(self, req: FrameRequest, out: Path) -> Path:
        self.seeds.append(req.seed)
        if len(self.seeds) <= self.bad:
            Image.new("RGB", (req.width, req.height), "black").save(out)
            return out
        return self.real.render(req, out)

    def render_sheet(self, req: SheetRequest, out: Path) -> Path:
        raise NotImplementedError


def test_render_checked_retries_a_blank_frame_with_a_new_seed(tmp_path: Path) -> None:
    backend = FlakyBackend(bad=1)
    failures: list[str] = []
    out = render_checked(backend, request(seed=7), tmp_path / "f.png", on_failure=failures.append)
    assert check_frame(out, 540, 960) == []
    assert backend.seeds == [7, 8]
    assert len(failures) == 1 and "blank" in failures[0]


def test_render_checked_gives_up_after_the_last_attempt(tmp_path: Path) -> None:
    backend = FlakyBackend(bad=5)
    failures: list[str] = []
    with pytest.raises(FrameCheckError, match="blank"):
        render_checked(backend, request(), tmp_path / "f.png", attempts=3,
                       on_failure=failures.append)  # fmt: skip
    assert len(backend.seeds) == 3 and len(failures) == 3


def test_a_long_line_is_elided_inside_the_notes_box(tmp_path: Path) -> None:
    said = "MING: " + "x" * 600  # one long word: every line filled to the edge
    req = request(caption=said, time_of_day="NIGHT", interior=False, location="Field")
    out = StoryboardBackend().render(req, tmp_path / "long.png")
    with Image.open(out) as im:
        x0, y0, x1, y1 = json.loads(im.info["reelwright"])["static_boxes"][0]
        rgb = np.asarray(im.convert("RGB")).astype(int)
    assert y1 < 0.5 * rgb.shape[0]  # at most a few lines, the picture stays visible
    white = (rgb[y0:y1].min(axis=2) > 200).any(axis=0)  # columns holding white text
    assert white[x0:x1].any() and not white[x1 + 1 :].any()


@pytest.mark.parametrize(
    "change",
    [
        {"size": "MS", "move": "pan right"},
        {"size": "WS", "move": "static"},
        {"size": "CU", "move": "push in"},
        {"size": "MS", "move": "tilt up", "width": 960, "height": 540},
    ],
)
def test_move_badges_stay_clear_of_the_subtitles(tmp_path: Path, change: dict[str, object]) -> None:
    """Burned-in subtitles sit in a band above the bottom quarter; the frame's own
    marks (the gold move badge) must not be under them."""
    from reelwright.tools.subtitles import caption_layout

    req = request(**change)
    img = render(tmp_path, "f", **change)
    band = caption_layout(req.width, req.height)
    rows = img[band.top : band.bottom]
    assert colour_count(img, (250, 214, 70)) > 0  # the badge is drawn somewhere
    assert colour_count(rows, (250, 214, 70)) == 0
