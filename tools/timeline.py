"""Editorial timeline export: `.otio` for Resolve/Premiere, `.edl` and FCP7 `.xml` beside it.

Shots are timed in whole frames exactly as `render.plan_frames` times them, so the
timeline and the rendered MP4 line up frame for frame. EDL and FCP XML come from the
`opentimelineio-plugins` adapters (the core wheel writes only .otio).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import opentimelineio as otio
from pydantic import BaseModel, Field

from reelwright.tools.ffmpeg import FFmpegError, probe
from reelwright.tools.render import DISSOLVE_SECONDS

log = logging.getLogger(__name__)


class TimelineLine(BaseModel):
    """A voiced line inside a shot."""

    path: Path
    start: float = Field(ge=0, description="Seconds from the start of the shot")
    duration: float = Field(gt=0)
    speaker: str = ""
    text: str = ""


class TimelineShot(BaseModel):
    shot_id: str
    clip: Path
    duration: float = Field(gt=0)
    scene_id: str = ""
    transition_out: Literal["cut", "dissolve", "fade"] = "cut"
    lines: list[TimelineLine] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(
        default_factory=dict, description="Provenance (prompt, seed, notes): JSON-able"
    )


class TimelineMarker(BaseModel):
    name: str
    time: float = Field(ge=0, description="Episode seconds")
    kind: Literal["scene", "hook", "cliffhanger", "note"] = "note"
    duration: float = Field(default=0.0, ge=0)
    comment: str = ""


_COLORS = {
    "scene": otio.schema.MarkerColor.CYAN,
    "hook": otio.schema.MarkerColor.GREEN,
    "cliffhanger": otio.schema.MarkerColor.RED,
    "note": otio.schema.MarkerColor.YELLOW,
}


def scene_start_markers(shots: Sequence[TimelineShot], fps: int = 30) -> list[TimelineMarker]:
    """A marker where each scene's first shot starts (scene_id changes)."""
    bounds = _frame_bounds(shots, fps)
    out: list[TimelineMarker] = []
    for i, shot in enumerate(shots):
        if shot.scene_id and (i == 0 or shots[i - 1].scene_id != shot.scene_id):
            out.append(
                TimelineMarker(name=f"scene {shot.scene_id}", time=bounds[i] / fps, kind="scene")
            )
    return out


def _rt(frames: int, fps: int) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(frames, fps)


def _range(start: int, dur: int, fps: int) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(_rt(start, fps), _rt(dur, fps))


def _frame_bounds(shots: Sequence[TimelineShot], fps: int) -> list[int]:
    bounds, t = [0], 0.0
    for s in shots:
        t += s.duration
        bounds.append(round(t * fps))
    return bounds


def shot_frames(shots: Sequence[TimelineShot], fps: int) -> list[tuple[int, int]]:
    """(first frame, frames) of each shot in the cut, as the render and the .otio time it."""
    bounds = _frame_bounds(shots, fps)
    return [(a, b - a) for a, b in zip(bounds, bounds[1:], strict=False)]


def line_frames(
    shots: Sequence[TimelineShot], fps: int
) -> list[tuple[int, int, TimelineLine, str]]:
    """(first frame, frames, line, shot id) of every voiced line, in order of start."""
    bounds = _frame_bounds(shots, fps)
    placed = [
        (bounds[i] + round(line.start * fps), max(1, round(line.duration * fps)), line, s.shot_id)
        for i, s in enumerate(shots)
        for line in s.lines
    ]
    return sorted(placed, key=lambda p: p[0])


def _available(path: Path, fps: int) -> otio.opentime.TimeRange | None:
    try:
        info = probe(path)
    except (FFmpegError, FileNotFoundError) as exc:
        log.warning("cannot probe %s for its length: %s", path, exc)
        return None
    if info.duration <= 0:
        return None
    return _range(0, max(1, round(info.duration * fps)), fps)


def _clip(
    name: str,
    path: Path,
    src: otio.opentime.TimeRange,
    avail: otio.opentime.TimeRange | None,
    meta: dict[str, Any],
) -> otio.schema.Clip:
    ref = otio.schema.ExternalReference(target_url=Path(path).resolve().as_uri())
    if avail is not None:
        ref.available_range = avail
    return otio.schema.Clip(
        name=name, media_reference=ref, source_range=src, metadata={"reelwright": meta}
    )


def build_timeline(
    shots: Sequence[TimelineShot],
    markers: Sequence[TimelineMarker],
    *,
    fps: int = 30,
    name: str = "episode",
) -> otio.schema.Timeline:
    """The cut as an OTIO timeline: V1 with one clip per shot, A1 (and A2 where lines
    overlap) with the voiced lines between gaps, markers on the timeline."""
    bounds = _frame_bounds(shots, fps)
    tl = otio.schema.Timeline(name=name, global_start_time=_rt(0, fps))
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    for i, shot in enumerate(shots):
        frames = bounds[i + 1] - bounds[i]
        meta = {
            "shot_id": shot.shot_id,
            "scene_id": shot.scene_id,
            "duration": shot.duration,
            "transition_out": shot.transition_out,
            **json.loads(json.dumps(shot.metadata, default=str)),  # OTIO takes JSON types
        }
        # A still (no length of its own) is held as long as the shot: the FCP XML writer
        # needs an available range on every clip.
        avail = _available(shot.clip, fps) or _range(0, frames, fps)
        clip = _clip(shot.shot_id, shot.clip, _range(0, frames, fps), avail, meta)
        if i and shots[i - 1].transition_out == "dissolve":
            prev = bounds[i] - bounds[i - 1]
            half = min(round(DISSOLVE_SECONDS * fps / 2), prev // 3, frames // 3)
            if half > 0:
                video.append(
                    otio.schema.Transition(
                        name=f"dissolve {shots[i - 1].shot_id}>{shot.shot_id}",
                        transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                        in_offset=_rt(half, fps),
                        out_offset=_rt(half, fps),
                    )
                )
        video.append(clip)
    tl.tracks.append(video)

    # Lines at absolute frames; a line that overlaps the previous one on a track goes to
    # the next track (a track cannot hold two things at once).
    placed = line_frames(shots, fps)
    tracks: list[tuple[otio.schema.Track, list[int]]] = []
    for start, dur, line, shot_id in placed:
        free = [t for t in tracks if t[1][0] <= start]
        if free:
            track, cursor = free[0]
        else:
            track = otio.schema.Track(name=f"A{len(tracks) + 1}", kind=otio.schema.TrackKind.Audio)
            cursor = [0]
            tracks.append((track, cursor))
        if start > cursor[0]:
            track.append(otio.schema.Gap(source_range=_range(0, start - cursor[0], fps)))
        meta = {"shot_id": shot_id, "speaker": line.speaker, "text": line.text}
        track.append(
            _clip(
                f"{shot_id} {line.speaker}".strip(),
                line.path,
                _range(0, dur, fps),
                _range(0, dur, fps),
                meta,
            )
        )
        cursor[0] = start + dur
    for track, _ in tracks or [
        (otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio), [0])
    ]:
        tl.tracks.append(track)

    for m in markers:
        tl.tracks.markers.append(
            otio.schema.Marker(
                name=m.name,
                marked_range=_range(round(m.time * fps), round(m.duration * fps), fps),
                color=_COLORS[m.kind],
                metadata={"reelwright": {"kind": m.kind}},
                comment=m.comment,
            )
        )
    return tl


def _edl_timeline(tl: otio.schema.Timeline) -> otio.schema.Timeline:
    """CMX 3600 holds one video track and only clip markers: copy the timeline's markers
    onto the clips they fall in and drop the audio tracks (the voiced lines are in the
    .otio and .xml)."""
    edl = otio.schema.Timeline(name=tl.name, global_start_time=tl.global_start_time)
    video = tl.video_tracks()[0].deepcopy()
    for item in video:
        if isinstance(item, otio.schema.Transition):
            # CMX dissolves start at the cut and run on the outgoing shot's tail; a
            # centred one would need frames before the incoming clip's first frame.
            item.out_offset = item.in_offset + item.out_offset
            item.in_offset = otio.opentime.RationalTime(0, item.out_offset.rate)
    edl.tracks.append(video)
    for m in tl.tracks.markers:
        t = m.marked_range.start_time
        for clip in video.find_clips():
            rng = clip.range_in_parent()
            if rng.start_time <= t < rng.end_time_exclusive() or clip is video[-1]:
                local = clip.source_range.start_time + (t - rng.start_time)
                clip.markers.append(
                    otio.schema.Marker(
                        name=m.name,
                        color=m.color,
                        comment=m.comment,
                        marked_range=otio.opentime.TimeRange(local, m.marked_range.duration),
                    )
                )
                break
    return edl


def write_timeline(
    shots: Sequence[TimelineShot],
    markers: Sequence[TimelineMarker],
    out_otio: Path,
    fps: int = 30,
    name: str = "episode",
) -> list[Path]:
    """Write `<name>.otio`, and `.edl` and `.xml` beside it; return the paths written.

    EDL or XML are skipped with a warning (not an error) when their adapter is missing.
    """
    out_otio = Path(out_otio)
    out_otio.parent.mkdir(parents=True, exist_ok=True)
    tl = build_timeline(shots, markers, fps=fps, name=name)
    otio.adapters.write_to_file(tl, str(out_otio))
    written = [out_otio]
    for suffix, adapter, timeline in (
        (".edl", "cmx_3600", _edl_timeline(tl)),
        (".xml", "fcp_xml", tl),
    ):
        path = out_otio.with_suffix(suffix)
        try:
            otio.adapters.write_to_file(timeline, str(path), adapter_name=adapter)
        except (
            otio.exceptions.NoKnownAdapterForExtensionError,
            otio.exceptions.NotSupportedError,
            ValueError,
        ) as exc:
            log.warning(
                "no %s written (%s): pip install opentimelineio-plugins==0.18.1", suffix, exc
            )
            continue
        written.append(path)
    return written
