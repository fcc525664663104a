"""Render a run's media again from the same plan, and compare the files byte for byte.

Shared by the Ray executor test and bench/bench_render.py.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import imageio_ffmpeg

from reelwright.store import RunDir
from reelwright.tools.jsonio import file_sha256

MEDIA_KINDS = ("character", "frame", "clip", "line", "cut")
MEDIA_DIRS = ("frames", "clips", "audio")


def media_files(run: Path) -> dict[str, str]:
    """Every frame, clip, voiced line and episode file, by path, with its SHA-256."""
    files = [p for d in MEDIA_DIRS for p in (run / d).rglob("*") if p.is_file()]
    files += [p for p in run.glob("episode_*") if p.suffix in (".mp4", ".srt", ".otio")]
    return {str(p.relative_to(run)): file_sha256(p) for p in files}


def forget_media(run: RunDir) -> list[str]:
    """Invalidate every media node and delete its files; returns the node ids."""
    plan = run.load_plan()
    media = [n for kind in MEDIA_KINDS for n in plan.ids(kind)]
    plan.invalidate(media)
    run.save_plan(plan)
    for folder in MEDIA_DIRS:
        shutil.rmtree(run.path / folder, ignore_errors=True)
    for path in run.path.glob("episode_*"):  # the MP4 and exports, and the JianYing draft folder
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return media


def decoded_md5(path: Path) -> list[str]:
    """One MD5 per decoded video frame and audio packet (ffmpeg's framemd5): what a viewer
    sees and hears, whatever the container's bytes."""
    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return [line for line in result.stdout.splitlines() if not line.startswith("#")]
