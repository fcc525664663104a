"""What `runs list`, `runs show` and `runs log` print."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from reelwright.events import read_events
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


def agent_stats(run: RunDir) -> dict[str, dict[str, Any]]:
    stats: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "nodes": 0,
            "failed": 0,
            "calls": 0,
            "cache_hits": 0,
            "tokens_in": 0,
            "tokens_out": 0,
            "seconds": 0.0,
            "cost_usd": 0.0,
        }
    )
    for event in read_events(run.events_path):
        agent = event.get("agent") or "-"
        row = stats[agent]
        if event["type"] == "node_done":
            row["nodes"] += 1
            row["seconds"] += float(event.get("seconds", 0))
        elif event["type"] == "node_failed":
            row["failed"] += 1
        elif event["type"] == "llm_call":
            row["calls"] += 0 if event.get("cache_hit") else 1
            row["cache_hits"] += 1 if event.get("cache_hit") else 0
            row["tokens_in"] += int(event.get("tokens_in", 0))
            row["tokens_out"] += int(event.get("tokens_out", 0))
            row["cost_usd"] += float(event.get("cost_usd") or 0)
    return dict(stats)


def show_text(run: RunDir) -> str:
    settings = run.settings()
    plan = run.load_plan()
    out = [
        f"run      {run.id}",
        f"premise  {settings.premise}",
        f"model    {settings.llm}   status {run_status(run)}   nodes {len(plan)} "
        f"(done {plan.count('done')}, failed {plan.count('failed')})",
        "",
        f"{'agent':<16}{'nodes':>6}{'failed':>7}{'calls':>7}{'cached':>7}{'tok in':>9}"
        f"{'tok out':>9}{'secs':>9}{'cost $':>9}",
    ]
    for agent, row in sorted(agent_stats(run).items()):
        if agent == "-":
            continue
        out.append(
            f"{agent:<16}{row['nodes']:>6}{row['failed']:>7}{row['calls']:>7}"
            f"{row['cache_hits']:>7}{row['tokens_in']:>9}{row['tokens_out']:>9}"
            f"{row['seconds']:>9.1f}{row['cost_usd']:>9.4f}"
        )
    from reelwright.spending import spent_lines

    out += ["", *spent_lines(run.events_path)]
    failed = [n for n in plan.ids() if plan.node(n)["status"] == "failed"]
    for node_id in failed:
        out.append(f"failed   {node_id}: {plan.node(node_id)['error']}")
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
