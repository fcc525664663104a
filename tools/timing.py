"""Shot timing from voiced lines: one function, so shot list, video and timeline agree."""

from __future__ import annotations

FPS = 30
LEAD_IN = 0.25  # silence before the first line of a shot
GAP = 0.15  # between two lines in one shot
TAIL = 0.35  # breathing room after the last line


def to_frames(seconds: float, fps: int = FPS) -> int:
    return max(1, round(seconds * fps))


def timed_duration(planned: float, line_seconds: list[float], fps: int = FPS) -> float:
    """A shot lasts at least as long as the lines it covers, plus breathing room."""
    needed = 0.0
    if line_seconds:
        needed = LEAD_IN + sum(line_seconds) + GAP * (len(line_seconds) - 1) + TAIL
    return to_frames(max(planned, needed), fps) / fps


def line_starts(line_seconds: list[float]) -> list[float]:
    """Where each line begins inside its shot."""
    starts, t = [], LEAD_IN
    for seconds in line_seconds:
        starts.append(round(t, 3))
        t += seconds + GAP
    return starts
