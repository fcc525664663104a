"""The editor: voiced lines, then the cut: picture, sound, subtitles, timeline, pacing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from reelwright.jsonio import file_sha256
from reelwright.scheduler import NodeContext
from reelwright.tools.fonts import cjk_font_path
from reelwright.tools.media import VoiceRequest
from reelwright.tools.render import AudioPlacement, CutShot, render_episode
from reelwright.tools.subtitles import Cue, write_srt
from reelwright.tools.timeline import TimelineLine, TimelineMarker, TimelineShot, write_timeline

from .cinematographer import ShotPlan
from .common import bible_of, record_artifact
from .schemas import Scene
from .timing import line_starts


def voice_line(ctx: NodeContext) -> dict[str, Any]:
    """One dialogue line, in the voice the bible gives its speaker for the whole series."""
    bible = bible_of(ctx)
    line_id = ctx.node_id.split(":", 1)[1]
    ep, sc, n = (int(x) for x in line_id.split("."))
    line = Scene.model_validate(ctx.payload(f"scene:{ep}.{sc}")).lines[n - 1]
    index = next((i for i, c in enumerate(bible.characters) if c.name == line.speaker), 0)
    character = bible.characters[index] if bible.characters else None
    request = VoiceRequest(
        line_id=line_id,
        text=line.text,
        speaker=line.speaker,
        character_index=index,
        gender=character.gender if character else "other",
        lang=ctx.services.settings.lang,
        voice_description=character.voice if character else "",
        emotion=line.emotion,
    )
    out = ctx.services.run.path / "audio" / f"line_{ep}_{sc}_{n}.wav"
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    voices = ctx.services.voices
    spoken = voices.speak(request, out)
    return record_artifact(
        ctx,
        f"tts:{spoken.engine}",
        {"line": line_id, "speaker": line.speaker},
        out,
        started,
        voices.price(line.text) if getattr(voices, "paid", False) else None,
        seconds=round(spoken.seconds, 3),
        speaker=line.speaker,
        text=line.text,
        voice=spoken.voice,
    )


class PacingIssue(BaseModel):
    kind: str
    detail: str


def cut_episode(ctx: NodeContext) -> dict[str, Any]:
    ep = int(ctx.node_id.split(":")[1])
    settings = ctx.services.settings
    run_path: Path = ctx.services.run.path
    width, height = settings.size
    plans = [
        ShotPlan.model_validate(ctx.payload(s))
        for s in ctx.ids("shot")
        if s.startswith(f"shot:{ep}.")
    ]
    cut_shots, cues, timeline, markers = [], [], [], []
    t = 0.0
    scene_seen: set[str] = set()
    for plan in plans:
        clip = ctx.payload(f"clip:{plan.id}")
        lines = [ctx.payload(f"line:{lid}") for lid in plan.line_ids]
        seconds = [float(x["seconds"]) for x in lines]
        starts = line_starts(seconds)
        duration = float(clip["duration"])
        placements = [
            AudioPlacement(path=run_path / x["path"], start=s)
            for x, s in zip(lines, starts, strict=True)
        ]
        for x, s, d in zip(lines, starts, seconds, strict=True):
            cues.append(Cue(start=round(t + s, 3), end=round(t + s + d, 3), text=f"{x['text']}"))
        cut_shots.append(
            CutShot(
                shot_id=plan.id,
                clip=run_path / clip["path"],
                duration=duration,
                transition_out=plan.transition,
                audio=placements,
            )
        )
        voiced = [
            TimelineLine(
                path=run_path / x["path"], start=s, duration=d, speaker=x["speaker"], text=x["text"]
            )
            for x, s, d in zip(lines, starts, seconds, strict=True)
        ]
        timeline.append(
            TimelineShot(
                shot_id=plan.id,
                clip=run_path / clip["path"],
                duration=duration,
                scene_id=plan.scene,
                transition_out=plan.transition,
                lines=voiced,
                metadata={
                    "prompt": plan.prompt,
                    "size": plan.size,
                    "move": plan.move,
                    "emotion": plan.emotion,
                },
            )
        )
        if plan.scene not in scene_seen:
            scene_seen.add(plan.scene)
            markers.append(TimelineMarker(name=f"scene {plan.scene}", time=t, kind="scene"))
        if plan.hook:
            markers.append(TimelineMarker(name="hook", time=t, kind="hook"))
        if plan.cliffhanger:
            markers.append(TimelineMarker(name="cliffhanger", time=t, kind="cliffhanger"))
        t += duration
    stem = f"episode_{ep:02d}"
    mp4 = run_path / f"{stem}.mp4"
    render_episode(
        cut_shots,
        mp4,
        width=width,
        height=height,
        fps=settings.fps,
        cues=cues,
        font_dir=cjk_font_path().parent,
    )
    write_srt(cues, run_path / f"{stem}.srt")
    write_timeline(timeline, markers, run_path / f"{stem}.otio", fps=settings.fps, name=stem)
    issues = pacing_issues(plans, cut_shots, cues, settings.episode_seconds)
    ctx.emit(
        "critique",
        round=0,
        source="pacing",
        issues=[i.model_dump() for i in issues],
        found=len(issues),
        fixed=0,
        remaining=len(issues),
        dropped_ungrounded=0,
    )
    ctx.emit(
        "tool_call",
        tool="ffmpeg:render",
        args={"episode": ep, "shots": len(cut_shots)},
        seconds=0,
        result=mp4.name,
    )
    return {
        "mp4": mp4.name,
        "srt": f"{stem}.srt",
        "otio": f"{stem}.otio",
        "seconds": round(t, 3),
        "sha256": file_sha256(mp4),
        "pacing": [i.model_dump() for i in issues],
    }


def pacing_issues(
    plans: list[ShotPlan], shots: list[CutShot], cues: list[Cue], target: float
) -> list[PacingIssue]:
    issues = []
    total = sum(s.duration for s in shots)
    hook_start = 0.0
    for plan, shot in zip(plans, shots, strict=True):
        if plan.hook:
            break
        hook_start += shot.duration
    if not any(p.hook for p in plans) or hook_start >= 3.0:
        issues.append(PacingIssue(kind="hook_late", detail=f"hook starts at {hook_start:.1f}s"))
    if not plans or not plans[-1].cliffhanger:
        issues.append(
            PacingIssue(kind="cliffhanger_not_last", detail="last shot is no cliffhanger")
        )
    if abs(total - target) > 0.1 * target:
        issues.append(PacingIssue(kind="length", detail=f"{total:.1f}s against {target:.0f}s"))
    for shot in shots:
        if shot.duration < 1.0:
            issues.append(PacingIssue(kind="short_shot", detail=f"{shot.shot_id} {shot.duration}s"))
    t = 0.0
    for shot in shots:
        t += shot.duration
        for cue in cues:
            if t - shot.duration <= cue.start < t and cue.end > t + 1e-6:
                issues.append(
                    PacingIssue(kind="line_cut_off", detail=f"{shot.shot_id}: {cue.text}")
                )
    return issues
