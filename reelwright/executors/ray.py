"""Media work (frames, clips, voices, cuts) as Ray tasks; model calls stay in the driver.

The driver keeps the plan, the scheduler, its per-resource limits and the event
log, so resume and events are the same as with threads. A task gets a detached
slice of the plan (the node, everything it reads) and the run settings, builds
the media backends once per worker process, writes its files straight into the
run folder, and sends back the payload and the events it would have emitted;
the driver re-emits those in order before the node_done.

A cluster therefore needs the run folder at the same path on every node (a
shared file system), reelwright and its media tools installed on every node,
and the same fonts (see README, "Rendering on a Ray cluster").
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from reelwright.executors.detached import DetachedContext, media_services, slice_for
from reelwright.scheduler import Job, NodeContext, Submitter, _plain
from reelwright.settings import RunSettings

MEDIA_RESOURCES = frozenset({"image", "video", "tts", "ffmpeg"})


def run_detached(
    run: Any, node_id: str, agent: str, graph: Any, run_path: str, settings_json: str
) -> tuple[Any, list[tuple[str, dict[str, Any]]]]:
    """The body of a Ray task: run one job against a slice of the plan."""
    services = media_services(run_path, settings_json)
    ctx = DetachedContext(node_id, graph, agent, services)
    return _plain(run(ctx)), ctx.emitted


class RayExecutor:
    """Sends media jobs to Ray; everything else (model calls, planning) runs on threads."""

    def __init__(self, settings: RunSettings, services: Any, address: str | None = None) -> None:
        try:
            import ray
        except ImportError as exc:
            from reelwright.errors import UserError

            raise UserError(
                "--executor ray needs Ray: pip install 'reelwright[ray]' (or pip install ray)"
            ) from exc
        self.ray = ray
        if not ray.is_initialized():
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(num_cpus=os.cpu_count() or 2, log_to_driver=False)
        self.settings_json = settings.model_dump_json()
        self.run_path = str(Path(services.run.path).resolve())
        self.remote = ray.remote(num_cpus=1, max_retries=0)(run_detached)

    def bind(self, threads: ThreadPoolExecutor) -> Submitter:
        return _RaySubmitter(self, threads)


class _RaySubmitter:
    def __init__(self, executor: RayExecutor, threads: ThreadPoolExecutor) -> None:
        self.executor = executor
        self.threads = threads

    def submit(self, job: Job, ctx: NodeContext[Any]) -> Future[Any]:
        if job.resource not in MEDIA_RESOURCES or _paid(ctx.services, job.resource):
            return self.threads.submit(job.run, ctx)
        with ctx.lock:
            graph = slice_for(ctx.plan, ctx.node_id)
        ex = self.executor
        ref = ex.remote.remote(
            job.run, ctx.node_id, ctx.agent, graph, ex.run_path, ex.settings_json
        )
        out: Future[Any] = Future()

        def done(task: Future[Any]) -> None:
            error = task.exception()
            if error is not None:
                cause = getattr(error, "as_instanceof_cause", None)
                out.set_exception(cause() if cause else error)
                return
            payload, emitted = task.result()
            for type_, fields in emitted:
                ctx.emit(type_, **fields)
            out.set_result(payload)

        ref.future().add_done_callback(done)
        return out


def _paid(services: Any, resource: str) -> bool:
    """A paid service's task id is checkpointed in the driver's plan before polling, so
    hosted generation stays in the driver (it waits on the network, not the CPU)."""
    backend = {"image": services.images, "video": services.video, "tts": services.voices}
    return bool(getattr(backend.get(resource), "paid", False))
