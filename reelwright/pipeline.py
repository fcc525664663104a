"""make and resume: build the run's services, run the scheduler, publish the files.

What is made, and how, comes from the recipe the caller hands in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reelwright import backends
from reelwright.context import Services
from reelwright.estimate import spend_gate
from reelwright.executors import make_executor
from reelwright.plan import Plan
from reelwright.plan_store import PlanStore
from reelwright.scheduler import Listener, Outcome, Scheduler
from reelwright.settings import RunSettings
from reelwright.spending import held, meter
from reelwright.store import RunDir, new_run
from reelwright.tools.llm import ChatBackend
from reelwright.workflow import Recipe


def build_services(
    run: RunDir, settings: RunSettings, backend: ChatBackend | None = None
) -> Services:
    services = Services(
        settings,
        run,
        backends.make_llm(run, settings, backend),
        backends.make_images(settings),
        backends.make_video(settings),
        backends.make_voices(settings),
    )
    meter(services, run)  # the budget ledger in front of every paid backend
    return services


def gate_for(recipe: Recipe, settings: RunSettings) -> Callable[[Plan], str | None] | None:
    """Review gates: stop at the first gate reached and not yet passed."""
    if not settings.review:
        return None

    def gate(plan: Plan) -> str | None:
        passed = set(plan.g.graph.get("gates_passed", []))
        for name in recipe.gates:
            if name not in passed and recipe.gate_reached(plan, name):
                plan.g.graph["gate_pending"] = name
                return name
        return None

    return gate


def load_plan(run: RunDir, recipe: Recipe) -> Plan:
    plan = run.load_plan()
    plan.kinds = frozenset(recipe.kinds)
    return plan


def start(settings: RunSettings, runs_dir: Path, recipe: Recipe) -> RunDir:
    """Create the run folder and its first plan; nothing is generated yet."""
    run = new_run(runs_dir, settings)
    plan = Plan(kinds=recipe.kinds)
    plan.g.graph.update(run=run.id, episodes=settings.episodes, gates_passed=[])
    recipe.seed(plan)
    run.save_plan(plan)
    run.events().emit(
        "run_started", premise=settings.premise, settings=settings.model_dump(mode="json")
    )
    return run


def execute(
    run: RunDir,
    settings: RunSettings,
    recipe: Recipe,
    *,
    backend: ChatBackend | None = None,
    listener: Listener | None = None,
    yes: bool = False,
    notify: Callable[[list[str]], None] | None = None,
    plan_only: bool = False,
) -> Outcome:
    """Run (or continue) a run until done, failed nodes, or a review gate."""
    services = build_services(run, settings, backend)
    plan = load_plan(run, recipe)
    recipe.seed(plan)
    plan.g.graph.setdefault("episodes", settings.episodes)
    pending_gate = plan.g.graph.pop("gate_pending", None)
    if pending_gate:
        plan.g.graph.setdefault("gates_passed", []).append(pending_gate)
    events = run.events()
    store = PlanStore(run.path)
    scheduler = Scheduler(
        plan,
        recipe.jobs(settings),
        events,
        limits=recipe.limits(settings, services.llm.backend.concurrency),
        save=store.save,
        services=services,
        gate=gate_for(recipe, settings),
        listener=listener,
        hold=held(settings),
        executor=make_executor(settings, services),
        kinds=recipe.planning_kinds if plan_only else None,
    )
    try:
        outcome = scheduler.run()
        decision = (
            "none" if outcome.gate else spend_gate(run, plan, settings, services.spend, yes, notify)
        )
        if decision == "run":
            outcome = _more(outcome, scheduler.run())  # the paid work, now agreed to
        elif decision != "none":
            outcome.gate = decision
        store.export(plan)
    finally:
        store.close()
    recipe.publish(run, plan, settings, events)
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


def _more(first: Outcome, second: Outcome) -> Outcome:
    second.done += first.done
    second.skipped += first.skipped
    second.seconds += first.seconds
    return second


def write_report(run: RunDir) -> Path:
    """report.html after every run, revision and undo."""
    from reelwright.report import write_report as write

    return write(run.path)
