"""The editor: voiced lines, then the cut: pacing pass, picture, sound, subtitles, exports."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from reelwright import ids
from reelwright.context import AgentContext
from reelwright.spending import paid_kinds
from reelwright.tools.fonts import cjk_font_path
from reelwright.tools.jianying import TARGETS as JIANYING_TARGETS
from reelwright.tools.jianying import DraftUnavailable, write_draft
from reelwright.tools.jsonio import file_sha256
from reelwright.tools.media import VoiceRequest
from reelwright.tools.pacing import measure, speech_from_audio
from reelwright.tools.render import AudioPlacement, CutShot, render_episode
from reelwright.tools.subtitles import Cue, write_srt
from reelwright.tools.timeline import TimelineLine, TimelineMarker, TimelineShot, write_timeline

from .cinematographer import ShotPlan
from .common import bible_of, record_artifact
from .cut_models import EditLine, EditShot
from .pacing import paced, pacing_pass
from .schemas import Scene
from .sendback import emit_pacing, pacing_payload, writer_notes


def voice_line(ctx: AgentContext) -> dict[str, Any]:
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


def edit_shot(ctx: AgentContext, plan: ShotPlan) -> EditShot:
    """A planned shot with its clip and voiced lines, as the editor lays it down."""
    run_path: Path = ctx.services.run.path
    clip = ctx.payload(ids.as_kind(f"shot:{plan.id}", "clip"))
    ref = ids.parse(f"shot:{plan.id}")
    listed = (ctx.payload(ids.shotlist(ref.episode, ref.scene)) or {}).get("shots") or []
    planned = listed[ref.index - 1] if len(listed) >= ref.index else {}
    # a deliberate silent beat, with its reason, as the director marks it (either node)
    beat = (ctx.payload(f"shot:{plan.id}") or {}).get("beat_reason") or planned.get("beat_reason")
    lines = []
    for lid in plan.line_ids:
        x = ctx.payload(f"line:{lid}")
        lines.append(
            EditLine(
                line_id=lid,
                path=run_path / x["path"],
                seconds=float(x["seconds"]),
                speaker=x["speaker"],
                text=x["text"],
            )
        )
    return EditShot(
        shot_id=plan.id,
        scene_id=plan.scene,
        clip=run_path / clip["path"],
        duration=float(clip["duration"]),
        lines=lines,
        beat=str(beat or ""),
        hook=plan.hook,
        cliffhanger=plan.cliffhanger,
        transition=plan.transition,
        metadata={
            "prompt": plan.prompt,
            "size": plan.size,
            "move": plan.move,
            "emotion": plan.emotion,
        },
    )


def short_of_material(ctx: AgentContext, ep: int) -> dict[str, str]:
    """Scenes the director flagged as short of material (scene key -> why)."""
    out = {}
    for sl in ctx.ids("shotlist"):
        if ids.parse(sl).episode != ep:
            continue
        flag = (ctx.payload(sl) or {}).get("short_of_material")
        if flag:
            out[ids.parse(sl).key] = flag if isinstance(flag, str) else "flagged by the director"
    return out


def cut_episode(ctx: AgentContext) -> dict[str, Any]:
    ep = ids.parse(ctx.node_id).episode
    settings = ctx.services.settings
    run_path: Path = ctx.services.run.path
    width, height = settings.size
    plans = [
        ShotPlan.model_validate(ctx.payload(s)) for s in ctx.ids("shot") if ids.episode_of(s) == ep
    ]
    planned = [edit_shot(ctx, plan) for plan in plans]
    shots, paced_pass = pacing_pass(
        planned,
        target=settings.episode_seconds,
        fps=settings.fps,
        short_of_material=short_of_material(ctx, ep),
    )
    # The cut that sent scenes back keeps its pacing; a rerun (after the rewrite, or
    # media made again) counts the run's send-back rounds on, never from zero.
    previous = ctx.payload(ctx.node_id) or {}
    earlier = previous.get("pacing") if previous.get("resend") else None
    used = int(previous.get("sendback_rounds", 0))
    # Never with paid media: the rewritten scene's voices and clips would be paid twice
    # (the send-back is recorded and shown either way).
    free = not paid_kinds(settings)
    resend = writer_notes(paced_pass) if used < settings.pacing_rounds and free else {}
    if resend:
        # Not rendered: the rewritten scenes make this cut stale at once (expand_cut).
        emit_pacing(ctx, paced_pass, paced_pass.after)
        return {
            "seconds": round(sum(s.duration for s in shots), 3),
            "shots": [{"id": s.shot_id, "seconds": s.duration} for s in shots],
            "pacing": pacing_payload(paced_pass, paced_pass.after, earlier),
            "resend": resend,
            "sendback_rounds": used + 1,
        }
    cut_shots, cues, timeline, markers = [], [], [], []
    t = 0.0
    scene_seen: set[str] = set()
    for shot in shots:
        starts = shot.starts
        for x, s in zip(shot.lines, starts, strict=True):
            cues.append(Cue(start=round(t + s, 3), end=round(t + s + x.seconds, 3), text=x.text))
        cut_shots.append(
            CutShot(
                shot_id=shot.shot_id,
                clip=shot.clip,
                duration=shot.duration,
                transition_out=shot.transition,
                audio=[
                    AudioPlacement(path=x.path, start=s)
                    for x, s in zip(shot.lines, starts, strict=True)
                ],
            )
        )
        timeline.append(
            TimelineShot(
                shot_id=shot.shot_id,
                clip=shot.clip,
                duration=shot.duration,
                scene_id=shot.scene_id,
                transition_out=shot.transition,
                lines=[
                    TimelineLine(
                        path=x.path, start=s, duration=x.seconds, speaker=x.speaker, text=x.text
                    )
                    for x, s in zip(shot.lines, starts, strict=True)
                ],
                metadata={**shot.metadata, **({"beat": shot.beat} if shot.beat else {})},
            )
        )
        if shot.scene_id not in scene_seen:
            scene_seen.add(shot.scene_id)
            markers.append(TimelineMarker(name=f"scene {shot.scene_id}", time=t, kind="scene"))
        if shot.hook:
            markers.append(TimelineMarker(name="hook", time=t, kind="hook"))
        if shot.cliffhanger:
            markers.append(TimelineMarker(name="cliffhanger", time=t, kind="cliffhanger"))
        t += shot.duration
    stem = f"episode_{ep:02d}"
    mp4 = run_path / f"{stem}.mp4"
    started = time.monotonic()
    render_episode(
        cut_shots,
        mp4,
        width=width,
        height=height,
        fps=settings.fps,
        cues=cues,
        font_dir=cjk_font_path().parent,
    )
    ctx.emit(
        "tool_call",
        tool="ffmpeg:render",
        args={"episode": ep, "shots": len(cut_shots)},
        seconds=round(time.monotonic() - started, 3),
        result=mp4.name,
    )
    write_srt(cues, run_path / f"{stem}.srt")
    write_timeline(timeline, markers, run_path / f"{stem}.otio", fps=settings.fps, name=stem)
    draft = write_jianying(ctx, timeline, run_path / f"{stem}.jianying", width, height)
    heard = measure(
        paced(shots)[0],
        speech_from_audio(mp4),
        target=settings.episode_seconds,
        lines=len(cues),
        source="audio",
    )
    emit_pacing(ctx, paced_pass, heard)
    return {
        "mp4": mp4.name,
        "srt": f"{stem}.srt",
        "otio": f"{stem}.otio",
        "jianying": draft,
        "seconds": round(t, 3),
        "shots": [{"id": s.shot_id, "seconds": s.duration} for s in shots],
        "sha256": file_sha256(mp4),
        "pacing": pacing_payload(paced_pass, heard, earlier),
        "sendback_rounds": used,
    }


def write_jianying(
    ctx: AgentContext, timeline: list[TimelineShot], out: Path, width: int, height: int
) -> str | None:
    """The JianYing/CapCut draft; a missing library is logged, not fatal (like EDL/XML)."""
    started = time.monotonic()
    try:
        write_draft(timeline, out, width=width, height=height, fps=ctx.services.settings.fps)
    except DraftUnavailable as exc:
        ctx.emit("tool_call", tool="jianying:draft", args={}, seconds=0, result=str(exc))
        return None
    ctx.emit(
        "tool_call",
        tool="jianying:draft",
        args={"shots": len(timeline), "targets": JIANYING_TARGETS},
        seconds=round(time.monotonic() - started, 3),
        result=out.name,
    )
    return out.name
