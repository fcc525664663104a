"""The shared ffmpeg helpers: probing without ffprobe, errors with the stderr tail."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelwright.tools.ffmpeg import FFmpegError, probe, run_ffmpeg


def test_probe_reads_banner_and_exact_length(tmp_path: Path) -> None:
    out = tmp_path / "a b:c.mp4"
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=216x384:r=30:d=2.5",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=2.5:sample_rate=48000",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(out),
        ]
    )
    info = probe(out)
    assert (info.width, info.height, info.fps) == (216, 384, 30.0)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert info.sample_rate == 48000
    exact = probe(out, exact=True)
    assert exact.frames == 75 and exact.duration == pytest.approx(2.5)


def test_errors_carry_stderr(tmp_path: Path) -> None:
    with pytest.raises(FFmpegError, match="No such file"):
        run_ffmpeg(["-i", str(tmp_path / "missing.mp4"), str(tmp_path / "x.mp4")])
    with pytest.raises(FileNotFoundError):
        probe(tmp_path / "missing.mp4")
