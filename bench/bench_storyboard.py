"""Seconds per storyboard frame (1080x1920) and per animatic shot (3 s at 30 fps).

The offline backends sit on every run's critical path (one frame and one clip per
shot, ~30 shots an episode), so their per-shot cost is what a user waits for.
Shots rotate through sizes, moves, times of day and interiors so the figure is an
average over the kinds of frame a real episode has.

Run from the repo root:  .venv/bin/python bench/bench_storyboard.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from reelwright.tools.animatic import AnimaticBackend
from reelwright.tools.media import ClipRequest, Figure, FrameRequest
from reelwright.tools.storyboard import StoryboardBackend

CAST = [
    Figure(name="Ming", color=(200, 60, 50), shape=0, position="left"),
    Figure(name="阿海", color=(230, 180, 40), shape=3, position="right"),
]
SHOTS = [  # size, move, time of day, interior, location
    ("MS", "push in", "DAY", True, "Kitchen"),
    ("CU", "static", "NIGHT", True, "Ship cabin"),
    ("EWS", "pan", "DUSK", False, "Harbor pier"),
    ("WS", "handheld", "DAWN", False, "Old street market"),
    ("MCU", "tilt", "NIGHT", False, "Mountain road"),
    ("ECU", "pull out", "DAY", True, "Hospital room"),
]


def frame_request(i: int) -> FrameRequest:
    size, move, tod, interior, location = SHOTS[i % len(SHOTS)]
    return FrameRequest(
        shot_id=f"1.1.{i + 1}", width=1080, height=1920, prompt="", location=location,
        interior=interior, time_of_day=tod, size=size, move=move, duration=3.0,
        caption="阿海：妈！你在哪儿？海浪太大了，我马上就来救你！", figures=CAST,
        mood_valence=(-0.6, 0.0, 0.5)[i % 3],
    )  # fmt: skip


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (ffmpeg): unlike wall time,
    it does not grow when other work shares the machine."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="passes over the six shot kinds")
    args = parser.parse_args()
    images, video = StoryboardBackend(), AnimaticBackend()
    frame_s: list[float] = []
    clip_s: dict[str, list[float]] = {}
    frame_cpu: list[float] = []
    clip_cpu: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        images.render(frame_request(0), out / "warm.png")  # font and numpy first-use costs
        for run in range(args.runs):
            for i in range(len(SHOTS)):
                req = frame_request(i)
                t0, c0 = time.perf_counter(), cpu_seconds()
                frame = images.render(req, out / f"f{run}_{i}.png")
                frame_s.append(time.perf_counter() - t0)
                frame_cpu.append(cpu_seconds() - c0)
                clip = ClipRequest(shot_id=req.shot_id, frame_path=frame, move=req.move,
                                   duration=3.0, fps=30, width=1080, height=1920)  # fmt: skip
                t0, c0 = time.perf_counter(), cpu_seconds()
                video.render(clip, out / f"c{run}_{i}.mp4")
                clip_s.setdefault(req.move, []).append(time.perf_counter() - t0)
                clip_cpu.append(cpu_seconds() - c0)
    every = [s for times in clip_s.values() for s in times]
    print(f"cpus: {os.cpu_count()}  load average: {os.getloadavg()[0]:.1f}  runs: {args.runs}")
    print(f"storyboard frame 1080x1920: {statistics.mean(frame_s):.3f} s mean, "
          f"{statistics.median(frame_s):.3f} s median over {len(frame_s)} frames, "
          f"{statistics.mean(frame_cpu):.3f} s CPU")  # fmt: skip
    print(f"animatic shot 3 s @ 30 fps, 1080x1920: {statistics.mean(every):.2f} s mean, "
          f"{statistics.median(every):.2f} s median over {len(every)} clips, "
          f"{statistics.mean(clip_cpu):.2f} s CPU (Python + ffmpeg)")  # fmt: skip
    for move, times in clip_s.items():
        print(f"  {move:<9} {statistics.mean(times):.2f} s")


if __name__ == "__main__":
    main()
