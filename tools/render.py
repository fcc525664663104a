"""Render an edited episode: shots at exact lengths, transitions, voices, burned captions.

Everything happens in one ffmpeg run over one filtergraph. Timing is planned in whole
frames from the cumulative shot times (frame k of the cut starts at round(t * fps)), so
the episode is exactly round(sum of durations * fps) frames long however many shots it
has. Transitions never change that length:

- dissolve: the outgoing shot runs half a transition past its cut point (its own extra
  frames, or its last frame held) and the incoming one starts half a transition early
  (its first frame held); `xfade` blends across the cut point.
- fade: the outgoing shot fades to black over its last frames and the next fades in.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from reelwright.tools.ffmpeg import run_ffmpeg
from reelwright.tools.fonts import cjk_font_family
from reelwright.tools.subtitles import Cue, write_ass

AUDIO_RATE = 48_000
DISSOLVE_SECONDS = 0.5
FADE_SECONDS = 0.6

Transition = Literal["cut", "dissolve", "fade"]


class AudioPlacement(BaseModel):
    """A voiced line placed in a shot."""

    path: Path
    start: float = Field(ge=0, description="Seconds from the start of the shot")


class CutShot(BaseModel):
    """One shot of the cut: its clip, its length in the episode and how it leaves."""

    shot_id: str
    clip: Path = Field(description="Video of the shot (audio ignored); a still image works")
    duration: float = Field(gt=0, description="Seconds; the clip is trimmed or held to fit")
    transition_out: Transition = "cut"
    audio: list[AudioPlacement] = Field(default_factory=list)


class FramePlan(BaseModel):
    """Whole-frame timing of a cut (timeline.py rounds the same way, so they agree)."""

    frames: list[int]  # frames each shot owns in the cut
    starts: list[int]  # first frame of each shot
    halves: list[int]  # half-length in frames of the transition after shot i
    kinds: list[Transition]  # the transition after shot i ("cut" after the last one)


def plan_frames(shots: Sequence[CutShot], fps: int) -> FramePlan:
    """Frame-exact timing; a transition takes at most a third of either shot."""
    bounds = [0]
    t = 0.0
    for s in shots:
        t += s.duration
        bounds.append(round(t * fps))
    frames = [b - a for a, b in zip(bounds, bounds[1:], strict=False)]
    if any(f < 1 for f in frames):
        raise ValueError("every shot must last at least one frame")
    halves: list[int] = []
    kinds: list[Transition] = []
    for i, s in enumerate(shots):
        kind: Transition = s.transition_out
        last = i == len(shots) - 1
        if last and kind == "dissolve":
            kind = "cut"  # nothing to dissolve into
        want = DISSOLVE_SECONDS if kind == "dissolve" else FADE_SECONDS
        room = frames[i] if last else min(frames[i], frames[i + 1])
        half = min(round(want * fps / 2), room // 3) if kind != "cut" else 0
        if half < 1:
            kind, half = "cut", 0
        kinds.append(kind)
        halves.append(half)
    return FramePlan(frames=frames, starts=bounds[:-1], halves=halves, kinds=kinds)


def _segment(
    i: int,
    shot_frames: int,
    head: int,
    tail: int,
    fade_in: int,
    fade_out: int,
    width: int,
    height: int,
    fps: int,
) -> str:
    """Filter chain for shot i: normalise, fit to its frames (+ handles), fades."""
    f = [
        f"fps={fps}",
        f"scale={width}:{height}:force_original_aspect_ratio=increase",
        f"crop={width}:{height}",
        "setsar=1",
        "format=yuv420p",
        "tpad=stop_mode=clone:stop=-1",
        f"trim=end_frame={shot_frames + tail}",
        "setpts=PTS-STARTPTS",
    ]
    if head:
        f.append(f"tpad=start_mode=clone:start={head}")
    if fade_in:
        f.append(f"fade=t=in:start_frame={head}:nb_frames={fade_in}")
    if fade_out:
        f.append(f"fade=t=out:start_frame={head + shot_frames - fade_out}:nb_frames={fade_out}")
    f.append(f"settb=1/{fps}")
    return f"[{i}:v]" + ",".join(f) + f"[s{i}]"


def build_filtergraph(
    shots: Sequence[CutShot],
    plan: FramePlan,
    *,
    width: int,
    height: int,
    fps: int,
    ass_name: str | None,
    fonts_name: str | None,
) -> tuple[str, list[Path]]:
    """The filter_complex text and the audio files to add as inputs after the clips."""
    n = len(shots)
    parts: list[str] = []
    for i in range(n):
        head = plan.halves[i - 1] if i and plan.kinds[i - 1] == "dissolve" else 0
        tail = plan.halves[i] if plan.kinds[i] == "dissolve" else 0
        fade_in = plan.halves[i - 1] if i and plan.kinds[i - 1] == "fade" else 0
        fade_out = plan.halves[i] if plan.kinds[i] == "fade" else 0
        parts.append(_segment(i, plan.frames[i], head, tail, fade_in, fade_out, width, height, fps))
    acc = "s0"
    for i in range(1, n):
        out = f"v{i}"
        if plan.kinds[i - 1] == "dissolve":
            h = plan.halves[i - 1]
            offset = (plan.starts[i] - h) / fps
            parts.append(
                f"[{acc}][s{i}]xfade=transition=fade:duration={2 * h / fps:.6f}"
                f":offset={offset:.6f},settb=1/{fps}[{out}]"
            )
        else:
            parts.append(f"[{acc}][s{i}]concat=n=2:v=1:a=0,settb=1/{fps}[{out}]")
        acc = out
    total = plan.starts[-1] + plan.frames[-1]
    vchain = [f"trim=end_frame={total}"]
    if ass_name:
        opt = f"ass=filename={ass_name}"
        if fonts_name:
            opt += f":fontsdir={fonts_name}"
        vchain.append(opt)
    vchain.append("format=yuv420p")
    parts.append(f"[{acc}]" + ",".join(vchain) + "[vout]")

    samples = round(total / fps * AUDIO_RATE)
    audio: list[Path] = []
    labels: list[str] = []
    for i, shot in enumerate(shots):
        for placement in shot.audio:
            k = n + len(audio)
            at = round((plan.starts[i] / fps + placement.start) * AUDIO_RATE)
            if at >= samples:
                continue
            audio.append(placement.path)
            label = f"a{len(labels)}"
            parts.append(
                f"[{k}:a]aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,"
                f"adelay=delays={at}S:all=1[{label}]"
            )
            labels.append(label)
    parts.append(f"anullsrc=r={AUDIO_RATE}:cl=stereo,atrim=end_sample={samples}[bed]")
    if labels:
        ins = "[bed]" + "".join(f"[{lab}]" for lab in labels)
        parts.append(
            f"{ins}amix=inputs={len(labels) + 1}:duration=first:normalize=0,"
            f"atrim=end_sample={samples},asetpts=N/SR/TB[aout]"
        )
    else:
        parts.append("[bed]anull[aout]")
    return ";\n".join(parts), audio


def render_episode(
    shots: Sequence[CutShot],
    out_mp4: Path,
    *,
    width: int,
    height: int,
    fps: int = 30,
    cues: Sequence[Cue] | None = None,
    font_dir: Path | None = None,
    font_family: str | None = None,
    preset: str = "veryfast",
    crf: int = 20,
    timeout: float | None = None,
) -> Path:
    """Cut, mix and caption an episode into an H.264/AAC MP4 (yuv420p, +faststart).

    `cues` are in episode seconds and are burned in with libass; `font_dir` is handed to
    libass as `fontsdir` (otherwise fontconfig finds `font_family`, by default the CJK font).
    """
    if not shots:
        raise ValueError("an episode needs at least one shot")
    for s in shots:
        if not Path(s.clip).is_file():
            raise FileNotFoundError(f"clip for {s.shot_id} not found: {s.clip}")
        for a in s.audio:
            if not Path(a.path).is_file():
                raise FileNotFoundError(f"audio for {s.shot_id} not found: {a.path}")
    out_mp4 = Path(out_mp4).resolve()
    out_mp4.parent.mkdir(parents=True, exist_ok=True)
    plan = plan_frames(shots, fps)
    with tempfile.TemporaryDirectory(prefix="rw-render-") as tmp:
        # ffmpeg runs inside tmp so the filtergraph names only plain relative paths:
        # no colons, quotes or commas from user paths to escape.
        ass_name = fonts_name = None
        if cues:
            ass_name = "subs.ass"
            write_ass(
                list(cues), Path(tmp) / ass_name, width, height, font_family or cjk_font_family()
            )
            if font_dir is not None:
                fonts_name = "fonts"
                os.symlink(Path(font_dir).resolve(), Path(tmp) / fonts_name)
        graph, audio = build_filtergraph(
            shots,
            plan,
            width=width,
            height=height,
            fps=fps,
            ass_name=ass_name,
            fonts_name=fonts_name,
        )
        args: list[str] = []
        for s in shots:
            args += ["-i", str(Path(s.clip).resolve())]
        for wav in audio:
            args += ["-i", str(Path(wav).resolve())]
        args += [
            "-filter_complex",
            graph,
            "-map",
            "[vout]",
            "-map",
            "[aout]",
            # No -frames:v: the graph already trims both streams to the cut's length,
            # and a frame cap stops the muxer wherever the audio encoder happens to be,
            # so two renders of the same cut ended on different audio packets.
            "-c:v",
            "libx264",
            "-preset",
            preset,
            "-crf",
            str(crf),
            "-profile:v",
            "high",
            "-pix_fmt",
            "yuv420p",
            "-r",
            str(fps),
            "-g",
            str(2 * fps),
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-ar",
            str(AUDIO_RATE),
            "-ac",
            "2",
            "-movflags",
            "+faststart",
            "-fflags",
            "+bitexact",
            str(out_mp4),
        ]
        run_ffmpeg(args, cwd=Path(tmp), timeout=timeout)
    return out_mp4
