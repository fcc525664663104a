"""Per-agent figures: `runs show` and report.html print the same ones, and they are true."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from cli_helpers import run_cli
from support.real_run import ReportRuns

from reelwright.events import read_events
from reelwright.plan import Plan
from reelwright.report import write_report
from reelwright.report.stats import agent_stats, total

COLUMNS = ("nodes", "failed", "calls", "cached", "errors", "tok_in", "tok_out", "secs", "model_s")


def show_table(run: Path) -> dict[str, dict[str, str]]:
    """The agent table `reelwright runs show` prints, by agent (and "total")."""
    result = run_cli("runs", "show", run.name, "--runs-dir", str(run.parent))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("agent "))
    rows = {}
    for line in lines[start + 1 :]:
        if not line.strip() or line.startswith(("failed ", "pacing ")):
            break  # the table ends at a blank line, the pacing or the failed lines
        name, *cells = line.split()
        rows[name] = dict(zip((*COLUMNS, "cost"), cells, strict=True))
    return rows


def report_table(run: Path) -> dict[str, dict[str, str]]:
    """The agents table of report.html, by agent (the footer row as "total")."""
    page = write_report(run).read_text(encoding="utf-8")
    table = re.search(r'<table class="num agents">(.*?)</table>', page, re.S)
    assert table, "the report has an agents table"
    rows = {}
    for agent, body in re.findall(r'<tr data-agent="([^"]*)">(.*?)</tr>', table.group(1)):
        cells = [
            html.unescape(c) for c in re.findall(r"<td>(?:<span[^>]*></span>)?(.*?)</td>", body)
        ]
        if agent:
            cells = cells[1:]  # the swatch and name
        rows[html.unescape(agent) or "total"] = dict(zip((*COLUMNS, "cost"), cells, strict=True))
    return rows


def seconds(text: str) -> float:
    value, unit = text.split()
    return float(value) * {"s": 1, "min": 60, "h": 3600}[unit]


def test_runs_show_and_the_report_agree(report_runs: ReportRuns) -> None:
    for run in (report_runs.revised, report_runs.gated):
        shown, reported = show_table(run), report_table(run)
        assert list(shown) == sorted(reported, key=lambda a: (a == "total", a))
        for agent, row in shown.items():
            page = reported[agent]
            for column in ("nodes", "failed", "calls", "cached", "errors"):
                assert row[column] == page[column], (run.name, agent, column)
            for column in ("tok_in", "tok_out"):
                assert row[column] == page[column].replace(",", ""), (agent, column)
            for column in ("secs", "model_s"):  # "12.3" against "12 s" or "4.7 min"
                shown_s, page_s = float(row[column]), seconds(page[column])
                assert abs(shown_s - page_s) <= 0.05 * shown_s + 0.051, (agent, column)
            assert row["cost"] == page["cost"].lstrip("$"), (agent, "cost")


def test_the_figures_are_what_happened(report_runs: ReportRuns) -> None:
    """Calls are what the stub answered, nodes what was made, failures what failed."""
    done = report_runs.done
    events = list(read_events(done / "events.jsonl"))
    stats = agent_stats(events)
    every = total(stats)
    plan = Plan.load(done / "plan.json")
    assert len(plan) == plan.count("done")
    # a revision makes its scene (and the critique) again: nodes made, not nodes held
    assert every.nodes == sum(1 for e in events if e["type"] == "node_done") > len(plan)
    assert every.calls == report_runs.made_requests  # a cache hit is not a request
    # the stub reports 100 prompt tokens a reply; a cache hit logs its reply's tokens again
    assert every.tokens_in == 100 * (every.calls + every.cache_hits)
    # the stub's model has no price: nothing is billed (a cache hit counts as $0)
    assert every.failed == 0 and not every.cost
    assert stats["writer"].calls == 6  # bible, outline, three scenes, the one revision
    assert stats["critics"].calls >= 4  # two open critics a round, and the plan questions
    assert stats["cinematographer"].calls == 0 and stats["cinematographer"].seconds > 0

    revised = agent_stats(read_events(report_runs.revised / "events.jsonl"))
    assert total(revised).failed == 1 and revised["critics"].failed == 1
    assert revised["showrunner"].calls == 1 and "human" not in revised


def test_junk_in_the_log_counts_as_nothing(done_copy: Path) -> None:
    lines = (done_copy / "events.jsonl").read_text("utf-8").splitlines()
    junk = [
        {"type": "llm_call", "agent": ["x"], "tokens_in": "many", "latency_s": "NaN"},
        {"type": "node_done", "agent": "writer", "seconds": 1e400},
        {"type": "llm_call", "agent": "writer", "cost_usd": "free", "tokens_out": None},
        {"type": "tool_call", "agent": "cinematographer", "tool": "image:hosted", "cost_usd": 0.04},
        ["not", "an", "event"],
    ]
    before = agent_stats(json.loads(line) for line in lines)
    after = agent_stats([*(json.loads(line) for line in lines), *junk])
    assert after["writer"].nodes == before["writer"].nodes + 1
    assert after["writer"].calls == before["writer"].calls + 1
    assert after["writer"].tokens_out == before["writer"].tokens_out
    assert after["-"].calls == 1 and after["-"].tokens_in == 0
    assert before["cinematographer"].cost is None  # the storyboard backend is free
    assert after["cinematographer"].cost == 0.04  # a paid service's bill is the agent's cost
    assert total(after).cost == sum(r.cost or 0 for r in after.values())
