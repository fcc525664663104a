"""The cinematographer at the camera: a checked frame and a clip per shot."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from reelwright.context import AgentContext
from reelwright.tools.frame_check import render_checked
from reelwright.tools.media import ClipRequest
from reelwright.tools.timing import timed_duration

from .cinematographer import ShotPlan, frame_request
from .common import record_artifact


def shot_of(ctx: AgentContext) -> ShotPlan:
    shot_id = ctx.node_id.split(":", 1)[1]
    return ShotPlan.model_validate(ctx.payload(f"shot:{shot_id}"))


def line_seconds(ctx: AgentContext, plan: ShotPlan) -> list[float]:
    return [float(ctx.payload(f"line:{lid}")["seconds"]) for lid in plan.line_ids]


def caption_for(ctx: AgentContext, plan: ShotPlan) -> str:
    lines = [ctx.payload(f"line:{lid}") for lid in plan.line_ids]
    return "\n".join(f"{line['speaker']}: {line['text']}" for line in lines)


def _out(ctx: AgentContext, folder: str, plan: ShotPlan, suffix: str) -> Path:
    out = ctx.services.run.path / folder / f"shot_{plan.id.replace('.', '_')}{suffix}"
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def render_frame(ctx: AgentContext) -> dict[str, Any]:
    started = time.monotonic()
    plan = shot_of(ctx)
    duration = timed_duration(plan.duration, line_seconds(ctx, plan))
    request = frame_request(ctx, plan, duration, caption_for(ctx, plan))
    out = _out(ctx, "frames", plan, ".png")
    backend = ctx.services.images
    tool = f"image:{backend.name}"

    def failed(problem: str) -> None:
        ctx.emit(
            "tool_call",
            tool=tool,
            args={"shot": plan.id},
            seconds=0,
            result=f"frame check failed: {problem}",
        )

    paid = getattr(backend, "paid", False)  # a paid frame is not re-rolled on a failed check
    render_checked(backend, request, out, attempts=1 if paid else 2, on_failure=failed)
    return record_artifact(
        ctx,
        tool,
        {"shot": plan.id, "seed": request.seed},
        out,
        started,
        backend.price() if paid else None,
        width=request.width,
        height=request.height,
        duration=duration,
    )


def plate_for(ctx: AgentContext, plan: ShotPlan, duration: float) -> Path:
    """The picture the clip moves over: the storyboard panel without its dialogue, since
    the editor burns the line in as a subtitle (it would show twice)."""
    frame = ctx.payload(f"frame:{plan.id}")
    if ctx.services.images.name != "storyboard":
        return ctx.services.run.path / frame["path"]
    out = _out(ctx, "frames/plates", plan, ".png")
    render_checked(ctx.services.images, frame_request(ctx, plan, duration, caption=""), out)
    return out


def render_clip(ctx: AgentContext) -> dict[str, Any]:
    started = time.monotonic()
    plan = shot_of(ctx)
    settings = ctx.services.settings
    width, height = settings.size
    duration = float(ctx.payload(f"frame:{plan.id}")["duration"])
    out = _out(ctx, "clips", plan, ".mp4")
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
    if getattr(backend, "resumable", False):  # a paid task: its id is saved before polling
        checkpoint = NodeCheckpoint(ctx, f"video:{backend.name}", plan.id)
        backend.render(request, out, checkpoint)
        task = checkpoint.load() or {}
        return record_artifact(
            ctx,
            f"video:{backend.name}",
            {"shot": plan.id, "task": task.get("task_id"), "model": task.get("model")},
            out,
            started,
            float(task.get("price_usd", 0.0)),
            duration=duration,
            task=task,
        )
    backend.render(request, out)
    return record_artifact(
        ctx,
        f"video:{backend.name}",
        {"shot": plan.id, "move": plan.move},
        out,
        started,
        duration=duration,
    )


class NodeCheckpoint:
    """A paid task's state kept on the clip node (saved with the plan) and logged."""

    def __init__(self, ctx: AgentContext, tool: str, shot: str) -> None:
        self.ctx, self.tool, self.shot = ctx, tool, shot

    def load(self) -> dict[str, Any] | None:
        return self.ctx.partial()

    def save(self, data: dict[str, Any]) -> None:
        before = (self.ctx.partial() or {}).get("state")
        self.ctx.checkpoint(data)
        if data.get("state") != before:
            result = f"task {data.get('task_id') or '?'} {data.get('state')}"
            if data.get("reason"):
                result += f": {data['reason']}"
            self.ctx.emit(
                "tool_call", tool=self.tool, args={"shot": self.shot}, seconds=0, result=result
            )
