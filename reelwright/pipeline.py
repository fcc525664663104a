"""make and resume: build the run's services, run the scheduler, publish the files."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelwright.errors import UserError
from reelwright.executors import make_executor
from reelwright.plan import Plan
from reelwright.plan_store import PlanStore
from reelwright.scheduler import Listener, Outcome, Scheduler
from reelwright.settings import RunSettings, check_llm_spec
from reelwright.store import RunDir, new_run
from reelwright.tools.llm import LLM, ChatBackend, GenerationSettings, ResponseCache

GATES = ("bible", "scripts", "shots")
# what --plan-only runs: everything before frames, clips, voices and cuts (a character's
# reference sheet is design: shot plans are made from it)
PLANNING_KINDS = frozenset(
    {"series", "character", "location", "episode", "scene", "critique", "shotlist", "shot"}
)


@dataclass
class Services:
    """What agents reach through their NodeContext."""

    settings: RunSettings
    run: RunDir
    llm: LLM
    images: Any
    video: Any
    model_critics: bool = True


def make_backend(spec: str, seed: int) -> ChatBackend:
    check_llm_spec(spec)
    kind, _, rest = spec.partition(":")
    if kind == "local":
        from reelwright.tools.llm_local import LocalLlamaBackend

        return LocalLlamaBackend(Path(rest) if rest else None, seed=seed)
    if kind == "openai":
        from reelwright.tools.llm_openai import OpenAIBackend, check_reachable

        backend = OpenAIBackend(rest)
        check_reachable(backend.base_url)
        return backend
    from reelwright.tools.llm_fake import ScriptedModel

    path = Path(rest)
    if not path.is_file():
        raise UserError(f"no fake script at {path}")
    return ScriptedModel.from_file(path)


def make_images(settings: RunSettings) -> Any:
    if settings.images == "diffusers":
        if not settings.image_model:
            raise UserError("--images diffusers needs --image-model PATH (local weights)")
        from reelwright.tools.diffusion_image import DiffusersImageBackend

        return DiffusersImageBackend(
            Path(settings.image_model),
            steps=settings.image_steps,
            max_area=settings.image_max_pixels,
            ip_adapter=Path(settings.ip_adapter) if settings.ip_adapter else None,
        )
    from reelwright.tools.storyboard import StoryboardBackend

    return StoryboardBackend()


def make_video(settings: RunSettings) -> Any:
    if settings.video == "diffusers":
        if not settings.video_model:
            raise UserError("--video diffusers needs --video-model PATH (local weights)")
        from reelwright.tools.diffusion_video import DiffusersVideoBackend

        return DiffusersVideoBackend(Path(settings.video_model))
    from reelwright.tools.animatic import AnimaticBackend

    return AnimaticBackend()


def build_services(
    run: RunDir, settings: RunSettings, backend: ChatBackend | None = None
) -> Services:
    backend = backend or make_backend(settings.llm, settings.seed)
    llm = LLM(
        backend,
        cache=ResponseCache(run.cache_path),
        settings=GenerationSettings(seed=settings.seed),
        backoff_base=float(os.environ.get("REELWRIGHT_BACKOFF", "1.0")),
    )
    return Services(settings, run, llm, make_images(settings), make_video(settings))


def gate_for(settings: RunSettings) -> Callable[[Plan], str | None] | None:
    """Review gates: stop after the bible, the scripts and the shot lists."""
    if not settings.review:
        return None

    def gate(plan: Plan) -> str | None:
        passed = set(plan.g.graph.get("gates_passed", []))
        reached = {
            "bible": plan.node("series")["status"] == "done",
            "scripts": "critique:series" in plan
            and plan.node("critique:series")["status"] == "done",
            "shots": bool(plan.ids("shotlist"))
            and all(plan.node(s)["status"] == "done" for s in plan.ids("shotlist"))
            and all(plan.node(e)["status"] == "done" for e in plan.ids("episode")),
        }
        for name in GATES:
            if reached[name] and name not in passed:
                plan.g.graph["gate_pending"] = name
                return name
        return None

    return gate


def start(settings: RunSettings, runs_dir: Path) -> RunDir:
    """Create the run folder and its first plan; nothing is generated yet."""
    run = new_run(runs_dir, settings)
    plan = Plan()
    plan.g.graph.update(run=run.id, episodes=settings.episodes, gates_passed=[])
    from reelwright.wiring import seed_plan

    seed_plan(plan)
    run.save_plan(plan)
    run.events().emit(
        "run_started", premise=settings.premise, settings=settings.model_dump(mode="json")
    )
    return run


def execute(
    run: RunDir,
    settings: RunSettings,
    *,
    backend: ChatBackend | None = None,
    listener: Listener | None = None,
    plan_only: bool = False,
) -> Outcome:
    """Run (or continue) a run until done, failed nodes, or a review gate."""
    from reelwright.agents.exports import publish
    from reelwright.wiring import jobs_for, seed_plan

    services = build_services(run, settings, backend)
    plan = run.load_plan()
    seed_plan(plan)
    plan.g.graph.setdefault("episodes", settings.episodes)
    pending_gate = plan.g.graph.pop("gate_pending", None)
    if pending_gate:
        plan.g.graph.setdefault("gates_passed", []).append(pending_gate)
    events = run.events()
    limits = {
        "llm": services.llm.backend.concurrency,
        # one diffusion pipeline is one model in memory, and not thread-safe
        "image": 1 if settings.images == "diffusers" else 2,
        "video": 1 if settings.video == "diffusers" else 2,
        "tts": 1,
        "ffmpeg": 1,
        "cpu": 2,
    }
    store = PlanStore(run.path)
    scheduler = Scheduler(
        plan,
        jobs_for(settings),
        events,
        limits=limits,
        save=store.save,
        services=services,
        gate=gate_for(settings),
        listener=listener,
        executor=make_executor(settings, services),
        kinds=PLANNING_KINDS if plan_only else None,
    )
    try:
        outcome = scheduler.run()
        store.export(plan)
    finally:
        store.close()
    publish(run, plan, settings, events)
    if outcome.gate:
        events.emit("review_gate", gate=outcome.gate)
    status = "review" if outcome.gate else ("failed" if outcome.failed else "done")
    if status == "done" and plan_only:
        status = "planned"  # frames, clips, voices and cuts wait for `resume`
    events.emit(
        "run_done",
        status=status,
        failed=outcome.failed,
        seconds=round(outcome.seconds, 3),
        calls=services.llm.calls_made,
    )
    write_report(run)
    return outcome


def write_report(run: RunDir) -> Path | None:
    """report.html after every run and revision (where the report module is installed)."""
    try:
        from reelwright.report import write_report as write
    except ImportError:
        return None
    return write(run.path)
