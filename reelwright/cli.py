"""The command line: parse, dispatch, and turn every known error into one clear line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from pydantic import ValidationError

from reelwright.errors import REPORTED, UserError
from reelwright.runlock import hold
from reelwright.scheduler import Outcome
from reelwright.settings import (
    MAX_EPISODES,
    RunSettings,
    check_executor,
    check_llm_spec,
    check_premise,
    detect_lang,
)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="LLM agents that write and direct vertical short-drama series.",
)
runs_app = typer.Typer(no_args_is_help=True, help="Inspect runs.")
app.add_typer(runs_app, name="runs")

RunsDir = Annotated[Path, typer.Option("--runs-dir", help="Where runs live.")]
LlmOpt = Annotated[Optional[str], typer.Option("--llm", help="local | openai:MODEL")]  # noqa: UP045
YesOpt = Annotated[bool, typer.Option("--yes", help="Spend on paid services without asking.")]
BudgetOpt = Annotated[
    Optional[float],  # noqa: UP045
    typer.Option("--budget", min=0.01, help="Hard cap in USD on paid services for this run."),
]
ResubmitOpt = Annotated[
    bool,
    typer.Option("--resubmit-unknown", help="Create again a paid task whose outcome is unknown."),
]
ExecutorOpt = Annotated[str, typer.Option(help="Where media work runs: local | ray")]
PlanOnlyOpt = Annotated[
    bool, typer.Option("--plan-only", help="Stop before rendering; `resume` renders.")
]
RayAddressOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(help="Ray cluster to join (default: start Ray on this machine)."),
]


@app.command()
def make(
    premise: Annotated[str, typer.Argument(help="One line: the story's premise.")],
    episodes: Annotated[int, typer.Option(min=1, max=MAX_EPISODES)] = 2,
    episode_seconds: Annotated[float, typer.Option(min=20, max=300)] = 90.0,
    lang: Annotated[Optional[str], typer.Option(help="en or zh; default: the premise's")] = None,  # noqa: UP045
    aspect: Annotated[str, typer.Option(help="9:16 or 16:9")] = "9:16",
    llm: Annotated[str, typer.Option(help="local | openai:MODEL")] = "local",
    runs_dir: RunsDir = Path("runs"),
    seed: int = 0,
    critique_rounds: Annotated[int, typer.Option(min=0, max=5)] = 2,
    pacing_rounds: Annotated[
        int,
        typer.Option(
            min=0,
            max=3,
            help="Times a cut may send thin scenes back to their writer (not with paid media).",
        ),
    ] = 1,
    model_critics: Annotated[
        bool, typer.Option(help="Ask the model critics too (skipped where measured useless).")
    ] = True,
    images: Annotated[
        str, typer.Option(help="storyboard | diffusers | openai-images:MODEL")
    ] = "storyboard",
    video: Annotated[
        str, typer.Option(help="animatic | diffusers | kling | seedance | hailuo")
    ] = "animatic",
    voices: Annotated[str, typer.Option(help="offline | openai-speech:MODEL")] = "offline",
    image_model: Annotated[Optional[Path], typer.Option()] = None,  # noqa: UP045
    video_model: Annotated[Optional[Path], typer.Option()] = None,  # noqa: UP045
    ip_adapter: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="IP-Adapter weights file (with image_encoder/ beside it)."),
    ] = None,
    image_steps: Annotated[int, typer.Option(min=1, max=200, help="Diffusion steps.")] = 25,
    image_max_pixels: Annotated[
        int, typer.Option(min=4096, help="Generate at most this many pixels, then upscale.")
    ] = 576 * 1024,
    review: Annotated[bool, typer.Option(help="Stop after bible, scripts and shots.")] = False,
    shots: Annotated[
        str | None,
        typer.Option(
            help="looks: code lays out coverage, the model picks size, angle and move "
            "(default for --llm local); taste: and a few words of framing and acting "
            "(default for endpoints); full: the model plans whole shot lists"
        ),
    ] = None,
    yes: YesOpt = False,
    budget: BudgetOpt = None,
    resubmit_unknown: ResubmitOpt = False,
    executor: ExecutorOpt = "local",
    ray_address: RayAddressOpt = None,
    plan_only: PlanOnlyOpt = False,
) -> None:
    """Write and direct a series from a premise; prints the run folder last."""
    from reelwright import pipeline

    premise = check_premise(premise)
    if lang not in (None, "en", "zh"):
        raise UserError(f"unknown --lang {lang!r}: use en or zh")
    if aspect not in ("9:16", "16:9"):
        raise UserError(f"unknown --aspect {aspect!r}: use 9:16 or 16:9")
    llm = check_llm_spec(llm)
    shots = shots or ("looks" if llm.startswith("local") else "taste")
    if shots not in ("looks", "taste", "full"):
        raise UserError(f"unknown --shots {shots!r}: use looks, taste or full")
    if video not in ("animatic", "diffusers", "kling", "seedance", "hailuo"):
        raise UserError(
            f"unknown --video {video!r}: use animatic, diffusers, kling, seedance, hailuo"
        )
    settings = RunSettings.model_validate(
        {
            "premise": premise,
            "episodes": episodes,
            "episode_seconds": episode_seconds,
            "lang": lang or detect_lang(premise),
            "aspect": aspect,
            "llm": llm,
            "seed": seed,
            "critique_rounds": critique_rounds,
            "pacing_rounds": pacing_rounds,
            "model_critics": model_critics,
            "images": images,
            "video": video,
            "voices": voices,
            "budget_usd": budget,
            "resubmit_unknown": resubmit_unknown,
            "review": review,
            "shots": shots,
            "image_model": str(image_model) if image_model else None,
            "video_model": str(video_model) if video_model else None,
            "ip_adapter": str(ip_adapter) if ip_adapter else None,
            "image_steps": image_steps,
            "image_max_pixels": image_max_pixels,
            "executor": check_executor(executor),
            "ray_address": ray_address,
        }
    )
    from reelwright.backends import make_backend
    from reelwright.recipe import DRAMA

    _paid_preview(settings)  # fail fast on a missing key; show what the paid work may cost
    make_backend(settings.llm, settings.seed)  # fail fast on a dead endpoint
    run = pipeline.start(settings, runs_dir, DRAMA)
    with hold(run.path, "make"):
        _execute(run, settings, yes=yes, plan_only=plan_only)


@app.command()
def resume(
    run: Annotated[str, typer.Argument(help="Run id or folder.")],
    llm: LlmOpt = None,
    note: Annotated[Optional[str], typer.Option(help="A revision note to apply first.")] = None,  # noqa: UP045
    runs_dir: RunsDir = Path("runs"),
    yes: YesOpt = False,
    budget: BudgetOpt = None,
    resubmit_unknown: ResubmitOpt = False,
    executor: Annotated[Optional[str], typer.Option(help="local | ray (default: as made)")] = None,  # noqa: UP045
    ray_address: RayAddressOpt = None,
    plan_only: PlanOnlyOpt = False,
) -> None:
    """Finish a run after a crash, a kill or a review gate, without redoing done nodes."""
    from reelwright.store import resolve_run

    run_dir = resolve_run(runs_dir, run)
    settings = _settings(run_dir, llm)
    if budget is not None:  # kept in run.toml: later resumes honour the new cap
        settings = settings.model_copy(update={"budget_usd": budget})
        run_dir.save_settings(settings)
    settings = settings.model_copy(update={"resubmit_unknown": resubmit_unknown})
    if executor or ray_address:
        update = {"executor": check_executor(executor or settings.executor)}
        settings = settings.model_copy(update={**update, "ray_address": ray_address})
    with hold(run_dir.path, "resume"):
        if note:
            _revise(run_dir, settings, note, None, yes=True, spend=yes)
            return
        _execute(run_dir, settings, yes=yes, plan_only=plan_only)


@app.command()
def revise(
    run: Annotated[str, typer.Argument(help="Run id or folder.")],
    note: Annotated[str, typer.Argument(help="What to change, in plain words.")],
    node: Annotated[Optional[list[str]], typer.Option("--node", help="Node id(s) to edit.")] = None,  # noqa: UP045
    yes: Annotated[bool, typer.Option("--yes", help="Apply without asking.")] = False,
    llm: LlmOpt = None,
    runs_dir: RunsDir = Path("runs"),
) -> None:
    """Revise a run with a note; only what the note touches is made again."""
    from reelwright.store import resolve_run

    run_dir = resolve_run(runs_dir, run)
    with hold(run_dir.path, "revise"):
        _revise(run_dir, _settings(run_dir, llm), note, node, yes=yes)


@app.command()
def undo(run: str, runs_dir: RunsDir = Path("runs")) -> None:
    """Restore the run exactly as it was before its last revision."""
    from reelwright import pipeline, versions
    from reelwright.store import resolve_run

    run_dir = resolve_run(runs_dir, run)
    with hold(run_dir.path, "undo"):
        number = versions.undo(run_dir, run_dir.events())
        pipeline.write_report(run_dir)
    typer.echo(f"restored version {number} of {run_dir.id}")


def _settings(run_dir: object, llm: str | None) -> RunSettings:
    from reelwright.store import RunDir

    assert isinstance(run_dir, RunDir)
    settings = run_dir.settings()
    if llm:
        settings = settings.model_copy(update={"llm": check_llm_spec(llm)})
    return settings


def _revise(
    run_dir: object,
    settings: RunSettings,
    note: str,
    nodes: list[str] | None,
    *,
    yes: bool,
    spend: bool | None = None,
) -> None:
    from reelwright import revise as revise_flow
    from reelwright.progress import RunProgress
    from reelwright.store import RunDir

    assert isinstance(run_dir, RunDir)
    from reelwright.recipe import DRAMA

    proposal = revise_flow.propose(run_dir, settings, note, nodes, DRAMA)
    for line in proposal.preview.lines():
        typer.echo(line, err=True)

    def confirm(_: object) -> bool:
        return yes or typer.confirm("apply this revision?", default=False, err=True)

    with RunProgress() as progress:
        outcome = revise_flow.apply(
            run_dir,
            settings,
            proposal,
            DRAMA,
            listener=progress,
            confirm=confirm,
            yes=yes if spend is None else spend,
            notify=_say,
        )
    if outcome is not None and outcome.gate == "spend" and _agree():
        outcome = _run_paid(run_dir, settings)
    if outcome is None:
        typer.echo("nothing changed", err=True)
        raise typer.Exit(1)
    _report_outcome(run_dir, outcome)


def _execute(
    run_dir: object, settings: RunSettings, *, yes: bool = False, plan_only: bool = False
) -> None:
    from reelwright import pipeline
    from reelwright.progress import RunProgress
    from reelwright.recipe import DRAMA
    from reelwright.store import RunDir

    assert isinstance(run_dir, RunDir)
    with RunProgress() as progress:
        outcome = pipeline.execute(
            run_dir,
            settings,
            DRAMA,
            listener=progress,
            yes=yes,
            notify=_say,
            plan_only=plan_only,
        )
    if outcome.gate == "spend" and _agree():
        outcome = _run_paid(run_dir, settings)
    _report_outcome(run_dir, outcome)


def _run_paid(run_dir: object, settings: RunSettings) -> Outcome:
    """The paid work, agreed to at the prompt."""
    from reelwright import pipeline
    from reelwright.progress import RunProgress
    from reelwright.recipe import DRAMA
    from reelwright.store import RunDir

    assert isinstance(run_dir, RunDir)
    with RunProgress() as progress:
        return pipeline.execute(run_dir, settings, DRAMA, listener=progress, yes=True)


def _say(lines: list[str]) -> None:
    for line in lines:
        typer.echo(line, err=True)


def _agree() -> bool:
    """Ask at a terminal; elsewhere the answer is no (a script passes --yes)."""
    if not sys.stdin.isatty():
        return False
    return typer.confirm("spend this on paid services?", default=False, err=True)


def _paid_preview(settings: RunSettings) -> None:
    from reelwright import backends
    from reelwright.estimate import estimate
    from reelwright.plan import Plan
    from reelwright.spending import paid_kinds

    if not paid_kinds(settings):
        return
    backends.make_images(settings), backends.make_video(settings), backends.make_voices(settings)
    _say(estimate(settings, Plan()).lines())


def _report_outcome(run_dir: object, outcome: object) -> None:
    from reelwright.scheduler import Outcome
    from reelwright.store import RunDir

    assert isinstance(run_dir, RunDir) and isinstance(outcome, Outcome)
    if outcome.gate in ("spend", "budget"):
        what = "--yes to agree to" if outcome.gate == "spend" else "a larger --budget for"
        typer.echo(
            f"stopped before the first paid call; nothing was sent. Run `reelwright resume "
            f"{run_dir.id}` with {what} the estimate above",
            err=True,
        )
        typer.echo(str(run_dir.path))
        raise typer.Exit(3)
    if outcome.gate:
        typer.echo(
            f"stopped for review after the {outcome.gate}: look, then run "
            f"`reelwright resume {run_dir.id}` (or revise first)",
            err=True,
        )
    elif outcome.failed:
        plan = run_dir.load_plan()
        typer.echo(
            f"{len(outcome.failed)} node(s) failed; the rest is done "
            f"(resume with `reelwright resume {run_dir.id}`):",
            err=True,
        )
        for node_id in outcome.failed:
            typer.echo(f"  {node_id}: {plan.node(node_id)['error']}", err=True)
        typer.echo(str(run_dir.path))
        raise typer.Exit(1)
    typer.echo(str(run_dir.path))


@runs_app.command("list")
def runs_list(runs_dir: RunsDir = Path("runs")) -> None:
    """Every run: id, status, premise."""
    from reelwright.report.inspect import list_lines

    for line in list_lines(runs_dir):
        typer.echo(line)


@runs_app.command("show")
def runs_show(run: str, runs_dir: RunsDir = Path("runs")) -> None:
    """Per agent: nodes, model calls, tokens, time, failures."""
    from reelwright.report.inspect import show_text
    from reelwright.store import resolve_run

    typer.echo(show_text(resolve_run(runs_dir, run)))


@runs_app.command("log")
def runs_log(
    run: str,
    agent: Annotated[Optional[str], typer.Option(help="Only this agent's events.")] = None,  # noqa: UP045
    type: Annotated[Optional[str], typer.Option("--type", help="Only this event type.")] = None,  # noqa: UP045
    full: Annotated[bool, typer.Option(help="Print whole events as JSON.")] = False,
    runs_dir: RunsDir = Path("runs"),
) -> None:
    """The run's events, filterable by agent and type."""
    from reelwright.report.inspect import log_lines
    from reelwright.store import resolve_run

    for line in log_lines(resolve_run(runs_dir, run), agent=agent, type=type, full=full):
        typer.echo(line)


@runs_app.command("diff")
def runs_diff(
    run: str,
    v1: Annotated[Optional[int], typer.Argument(help="Older version")] = None,  # noqa: UP045
    v2: Annotated[Optional[int], typer.Argument(help="Newer version (default: now)")] = None,  # noqa: UP045
    runs_dir: RunsDir = Path("runs"),
) -> None:
    """What changed between two versions (default: the last revision)."""
    from reelwright.diff import diff_plans
    from reelwright.store import resolve_run
    from reelwright.versions import plan_at, version_numbers

    run_dir = resolve_run(runs_dir, run)
    if v1 is None:
        numbers = version_numbers(run_dir)
        if not numbers:
            raise UserError(f"run {run_dir.id} has not been revised yet")
        v1 = numbers[-1]
    for line in diff_plans(plan_at(run_dir, v1), plan_at(run_dir, v2)):
        typer.echo(line)


@runs_app.command("view")
def runs_view(
    run: str,
    port: int = 0,
    open_browser: Annotated[bool, typer.Option("--open/--no-open")] = True,
    runs_dir: RunsDir = Path("runs"),
) -> None:
    """Serve the run's report.html on 127.0.0.1."""
    from reelwright.report.viewer import view
    from reelwright.store import resolve_run

    view(resolve_run(runs_dir, run).path, port=port, open_browser=open_browser)


@runs_app.command("otel")
def runs_otel(
    run: str,
    out: Annotated[Optional[Path], typer.Option(help="Where to write OTLP JSON.")] = None,  # noqa: UP045
    runs_dir: RunsDir = Path("runs"),
) -> None:
    """Export the run as OpenTelemetry spans (gen_ai.* conventions), as OTLP JSON."""
    from reelwright.report.otel import export_otel
    from reelwright.store import resolve_run

    typer.echo(str(export_otel(resolve_run(runs_dir, run).path, out)))


def main() -> None:
    from reelwright.tools.memory import fewer_malloc_arenas

    fewer_malloc_arenas()  # before any worker thread allocates
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except REPORTED as exc:
        typer.echo(f"reelwright: {exc}", err=True)
        sys.exit(2)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        typer.echo(f"reelwright: invalid {where}: {first.get('msg')}", err=True)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("reelwright: interrupted; resume the run with `reelwright resume RUN`", err=True)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # usage errors from typer's own click
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":
    main()
