"""Animatic clips: exact frame count and size, H.264 yuv420p without audio, the camera
move visible between first and last frame, the notes box held still, clear errors."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from reelwright.tools.animatic import AnimaticBackend, AnimaticError, parse_move
from reelwright.tools.media import ClipRequest, Figure, FrameRequest
from reelwright.tools.storyboard import StoryboardBackend

W, H = 270, 480


@pytest.fixture(scope="module")
def frame(tmp_path_factory: pytest.TempPathFactory) -> Path:
    req = FrameRequest(
        shot_id="2.3.4", width=W, height=H, prompt="", location="Harbor", interior=False,
        time_of_day="DUSK", size="MS", move="push in", duration=2.0, caption="阿海：妈！",
        figures=[Figure(name="阿海", color=(230, 180, 40), shape=3, position="center")],
    )  # fmt: skip
    return StoryboardBackend().render(req, tmp_path_factory.mktemp("frames") / "f.png")


def clip(frame: Path, out: Path, move: str, duration: float = 1.0, fps: int = 30,
         size: tuple[int, int] = (W, H)) -> Path:  # fmt: skip
    req = ClipRequest(shot_id="2.3.4", frame_path=frame, move=move, duration=duration, fps=fps,
                      width=size[0], height=size[1])  # fmt: skip
    return AnimaticBackend().render(req, out)


def banner(path: Path) -> str:
    """What `ffmpeg -i` says about the file (there is no ffprobe in the wheel)."""
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, check=False).stderr


def decode(path: Path) -> list[np.ndarray]:
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    w, h = meta["size"]
    return [np.frombuffer(f, np.uint8).reshape(h, w, 3).astype(int) for f in reader]


@pytest.mark.parametrize(
    ("move", "duration", "fps"),
    [("push in", 1.0, 30), ("pull out", 0.7, 30), ("pan", 1.25, 24), ("tilt", 0.5, 30),
     ("handheld", 1.1, 25), ("static", 0.9, 30)],
)  # fmt: skip
def test_clip_has_exact_frames_size_and_codec(frame: Path, tmp_path: Path, move: str,
                                              duration: float, fps: int) -> None:  # fmt: skip
    out = clip(frame, tmp_path / "c.mp4", move, duration, fps)
    n, secs = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert n == round(duration * fps)
    assert secs == pytest.approx(n / fps, abs=0.02)
    info = banner(out)
    video = re.search(r"Video: (\w+).*?, (yuv\w+).*?, (\d+)x(\d+)", info)
    assert video and video.groups() == ("h264", "yuv420p", str(W), str(H))
    assert f"{fps} fps" in info
    assert "Audio:" not in info
    assert not list(tmp_path.glob("*.part.mp4"))


def test_push_in_moves_and_static_does_not(frame: Path, tmp_path: Path) -> None:
    push = decode(clip(frame, tmp_path / "push.mp4", "push in"))
    assert np.abs(push[0] - push[-1]).mean() > 4
    static = decode(clip(frame, tmp_path / "static.mp4", "static"))
    assert np.abs(static[0] - static[-1]).mean() < 1.5  # coding noise only
    source = np.asarray(Image.open(frame).convert("RGB")).astype(int)
    assert np.abs(static[0] - source).mean() < 3  # the still is the frame itself
    assert np.abs(push[0] - source).mean() < 3  # a push starts on the frame as drawn


def test_push_in_zooms_toward_the_middle(frame: Path, tmp_path: Path) -> None:
    """The last frame of a push matches the middle of the drawn frame scaled up."""
    last = decode(clip(frame, tmp_path / "push.mp4", "push in"))[-1]
    first = decode(clip(frame, tmp_path / "pull.mp4", "pull out"))[0]
    assert np.abs(last - first).mean() < 3  # a pull out starts where a push in ends


def test_pan_slides_sideways_and_tilt_vertically(frame: Path, tmp_path: Path) -> None:
    pan = decode(clip(frame, tmp_path / "pan.mp4", "pan right"))
    tilt = decode(clip(frame, tmp_path / "tilt.mp4", "tilt up"))
    # Below the notes box, the first frame shifted by the travel matches the last frame.
    y0 = H // 2
    a, b = pan[0][y0:], pan[-1][y0:]
    shifts = [np.abs(a[:, s:] - b[:, : W - s]).mean() for s in range(0, 60)]
    assert int(np.argmin(shifts)) > 20
    a, b = tilt[0], tilt[-1]
    down = [np.abs(a[: H - s, 40:] - b[s:, 40:]).mean() for s in range(0, 100)]
    assert int(np.argmin(down)) > 30


def test_notes_box_stays_put_while_the_picture_moves(frame: Path, tmp_path: Path) -> None:
    with Image.open(frame) as im:
        x0, y0, x1, y1 = json.loads(im.info["reelwright"])["static_boxes"][0]
    for move in ("push in", "pan", "handheld"):
        frames = decode(clip(frame, tmp_path / "m.mp4", move))
        box = [f[y0 + 2 : y1 - 2, x0 + 2 : x1 - 2] for f in (frames[0], frames[-1])]
        assert np.abs(box[0] - box[1]).mean() < 2, move
        assert np.abs(frames[0][y1 + 10 :] - frames[-1][y1 + 10 :]).mean() > 2, move


def test_handheld_shake_is_small_and_deterministic(frame: Path, tmp_path: Path) -> None:
    a = decode(clip(frame, tmp_path / "a.mp4", "handheld"))
    b = decode(clip(frame, tmp_path / "b.mp4", "handheld"))
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    steps = [np.abs(x - y).mean() for x, y in zip(a, a[1:], strict=False)]
    assert max(steps) < 12 and sum(s > 0.2 for s in steps) > len(steps) // 2


def test_a_frame_of_another_size_is_fitted_to_the_clip(frame: Path, tmp_path: Path) -> None:
    out = clip(frame, tmp_path / "small.mp4", "push in", size=(136, 240))
    assert decode(out)[0].shape == (240, 136, 3)


def test_errors_are_clear(frame: Path, tmp_path: Path) -> None:
    with pytest.raises(AnimaticError, match="cannot read frame"):
        clip(tmp_path / "missing.png", tmp_path / "x.mp4", "pan")
    with pytest.raises(AnimaticError, match="even"):
        clip(frame, tmp_path / "x.mp4", "pan", size=(271, 480))
    req = ClipRequest(shot_id="9.9.9", frame_path=frame, move="pan", duration=0.5, width=W,
                      height=H)  # fmt: skip
    with pytest.raises(AnimaticError, match="ffmpeg exited") as err:
        AnimaticBackend(preset="no-such-preset").render(req, tmp_path / "x.mp4")
    assert "preset" in err.value.stderr_tail.lower()
    assert not (tmp_path / "x.mp4").exists()


@pytest.mark.parametrize(
    ("words", "kind", "dx", "dy"),
    [("push in", "push", 0, 0), ("dolly in", "push", 0, 0), ("zoom out", "pull", 0, 0),
     ("pull out", "pull", 0, 0), ("pan", "pan", 1, 0), ("pan left", "pan", -1, 0),
     ("tilt", "tilt", 0, -1), ("tilt down", "tilt", 0, 1), ("handheld", "handheld", 0, 0),
     ("static", "static", 0, 0), ("", "static", 0, 0), ("推镜", "push", 0, 0)],
)  # fmt: skip
def test_parse_move(words: str, kind: str, dx: int, dy: int) -> None:
    move = parse_move(words)
    assert (move.kind, move.dx, move.dy) == (kind, dx, dy)
