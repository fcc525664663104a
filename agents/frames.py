"""The cinematographer at the camera: a checked frame and a clip per shot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reelwright.jsonio import file_sha256
from reelwright.scheduler import NodeContext
from reelwright.tools.frame_check import render_checked
from reelwright.tools.media import ClipRequest

from .cinematographer import ShotPlan, frame_request
from .timing import timed_duration


def shot_of(ctx: NodeContext) -> ShotPlan:
    shot_id = ctx.node_id.split(":", 1)[1]
    return ShotPlan.model_validate(ctx.payload(f"shot:{shot_id}"))


def line_seconds(ctx: NodeContext, plan: ShotPlan) -> list[float]:
    return [float(ctx.payload(f"line:{lid}")["seconds"]) for lid in plan.line_ids]


def caption_for(ctx: NodeContext, plan: ShotPlan) -> str:
    lines = [ctx.payload(f"line:{lid}") for lid in plan.line_ids]
    return "\n".join(f"{line['speaker']}: {line['text']}" for line in lines)


def render_frame(ctx: NodeContext) -> dict[str, Any]:
    plan = shot_of(ctx)
    duration = timed_duration(plan.duration, line_seconds(ctx, plan))
    request = frame_request(ctx, plan, duration, caption_for(ctx, plan))
    run_path: Path = ctx.services.run.path
    out = run_path / "frames" / f"shot_{plan.id.replace('.', '_')}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    backend = ctx.services.images

    def failed(problem: str) -> None:
        ctx.emit(
            "tool_call",
            tool=f"image:{backend.name}",
            args={"shot": plan.id},
            seconds=0,
            result=f"frame check failed: {problem}",
        )

    render_checked(backend, request, out, attempts=2, on_failure=failed)
    ctx.emit(
        "tool_call",
        tool=f"image:{backend.name}",
        args={"shot": plan.id, "seed": request.seed},
        seconds=0,
        result=str(out.relative_to(run_path)),
    )
    return {
        "path": str(out.relative_to(run_path)),
        "sha256": file_sha256(out),
        "width": request.width,
        "height": request.height,
        "duration": duration,
    }


def plate_for(ctx: NodeContext, plan: ShotPlan, duration: float) -> Path:
    """The picture the clip moves over: the storyboard panel without its dialogue, since
    the editor burns the line in as a subtitle (it would show twice)."""
    run_path: Path = ctx.services.run.path
    frame = ctx.payload(f"frame:{plan.id}")
    if ctx.services.images.name != "storyboard":
        return run_path / frame["path"]
    out = run_path / "frames" / "plates" / f"shot_{plan.id.replace('.', '_')}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    request = frame_request(ctx, plan, duration, caption="")
    render_checked(ctx.services.images, request, out, attempts=2)
    return out


def render_clip(ctx: NodeContext) -> dict[str, Any]:
    plan = shot_of(ctx)
    frame = ctx.payload(f"frame:{plan.id}")
    run_path: Path = ctx.services.run.path
    settings = ctx.services.settings
    width, height = settings.size
    duration = float(frame["duration"])
    out = run_path / "clips" / f"shot_{plan.id.replace('.', '_')}.mp4"
    out.parent.mkdir(parents=True, exist_ok=True)
    backend = ctx.services.video
    request = ClipRequest(
        shot_id=plan.id,
        frame_path=plate_for(ctx, plan, duration),
        prompt=plan.prompt,
        move=plan.move,
        duration=duration,
        fps=settings.fps,
        width=width,
        height=height,
        seed=settings.seed,
    )
    backend.render(request, out)
    ctx.emit(
        "tool_call",
        tool=f"video:{backend.name}",
        args={"shot": plan.id, "move": plan.move},
        seconds=0,
        result=str(out.relative_to(run_path)),
    )
    return {
        "path": str(out.relative_to(run_path)),
        "sha256": file_sha256(out),
        "duration": duration,
    }
