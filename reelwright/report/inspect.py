"""What `runs list`, `runs show` and `runs log` print."""

from __future__ import annotations

import json
from pathlib import Path

from reelwright.events import read_events
from reelwright.report.pacing import pacing_lines
from reelwright.report.stats import AgentStats, agent_stats, total
from reelwright.store import RunDir, list_runs


def run_status(run: RunDir) -> str:
    status = "started"
    for event in read_events(run.events_path):
        if event["type"] == "run_done":
            status = event.get("status", "done")
    return status


def list_lines(runs_dir: Path) -> list[str]:
    lines = []
    for run in list_runs(runs_dir):
        try:
            premise = run.settings().premise
        except Exception:  # an unreadable run.toml still gets listed
            premise = "?"
        lines.append(f"{run.id}\t{run_status(run)}\t{premise[:70]}")
    return lines or [f"no runs in {runs_dir}"]


def _cost(row: AgentStats) -> str:
    if not (row.calls or row.priced):
        return "-"
    return "unknown" if row.cost is None else f"{row.cost:.4f}"


def _agent_line(name: str, row: AgentStats) -> str:
    return (
        f"{name:<16}{row.nodes:>6}{row.failed:>7}{row.calls:>7}{row.cache_hits:>7}"
        f"{row.errors:>7}{row.tokens_in:>9}{row.tokens_out:>9}{row.seconds:>9.1f}"
        f"{row.llm_seconds:>9.1f}{_cost(row):>9}"
    )


def show_text(run: RunDir) -> str:
    """The run at a glance; the agent table is the report's (`agent_stats`), as text."""
    settings = run.settings()
    plan = run.load_plan()
    stats = agent_stats(read_events(run.events_path))
    out = [
        f"run      {run.id}",
        f"premise  {settings.premise}",
        f"model    {settings.llm}   status {run_status(run)}   nodes {len(plan)} "
        f"(done {plan.count('done')}, failed {plan.count('failed')})",
        "",
        f"{'agent':<16}{'nodes':>6}{'failed':>7}{'calls':>7}{'cached':>7}{'errors':>7}"
        f"{'tok in':>9}{'tok out':>9}{'secs':>9}{'model s':>9}{'cost $':>9}",
    ]
    out += [_agent_line(agent, row) for agent, row in stats.items()]
    out.append(_agent_line("total", total(stats)))
    for node_id in plan.ids("cut"):
        if plan.node(node_id)["status"] == "done":
            out += pacing_lines(node_id, (plan.payload(node_id) or {}).get("pacing"))
    from reelwright.spending import spent_lines

    out += ["", *spent_lines(run.events_path)]
    for node_id in plan.ids():
        if plan.node(node_id)["status"] == "failed":
            error = str(plan.node(node_id)["error"] or "").strip().splitlines() or [""]
            out.append(f"failed   {node_id}: {error[0]}")
    return "\n".join(out)


def log_lines(
    run: RunDir, *, agent: str | None = None, type: str | None = None, full: bool = False
) -> list[str]:
    lines = []
    for event in read_events(run.events_path):
        if agent and event.get("agent") != agent:
            continue
        if type and event.get("type") != type:
            continue
        if full:
            lines.append(json.dumps(event, ensure_ascii=False))
            continue
        detail = ""
        if event["type"] == "llm_call":
            detail = (
                f"{event.get('schema_name')} {event.get('tokens_in')}+"
                f"{event.get('tokens_out')} tok {event.get('latency_s')}s"
                f"{' cache' if event.get('cache_hit') else ''}"
                f"{' ERROR ' + str(event.get('error')) if event.get('error') else ''}"
            )
        elif event["type"] == "node_failed":
            detail = str(event.get("error"))
        elif event["type"] == "critique":
            detail = f"round {event.get('round')}: {event.get('found')} issues"
        elif event["type"] == "tool_call":
            detail = f"{event.get('tool')} -> {str(event.get('result'))[:60]}"
        lines.append(
            f"{event['seq']:>5} {event['ts'][11:19]} {event['type']:<12} "
            f"{event.get('agent') or '-':<15} {event.get('node') or '-':<16} {detail}"
        )
    return lines
