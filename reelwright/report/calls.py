"""Report sections about work done: agents, model calls, tool calls, critique and revisions."""

from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from typing import Any

from reelwright.report.data import RunData, as_dict, as_list, num
from reelwright.report.stats import AgentStats, agent_stats, total
from reelwright.report.svg import agent_colour, esc, fmt_s

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def pretty(value: Any) -> str:
    """Readable text for a message or response: JSON indented, strings as they are."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        if not isinstance(parsed, dict | list):
            return value
        value = parsed
    return json.dumps(value, ensure_ascii=False, indent=1, default=str)


def money(value: float | None) -> str:
    return "unknown" if value is None else f"${value:.4f}"


def swatch(agent: str) -> str:
    return f'<span class="swatch" style="background:{agent_colour(agent)}"></span>{esc(agent)}'


# --- agents and calls --------------------------------------------------------


def _agent_cells(r: AgentStats) -> str:
    cost = money(r.cost) if r.calls or r.priced else "-"
    return (
        f"<td>{r.nodes}</td><td>{r.failed}</td><td>{r.calls}</td><td>{r.cache_hits}</td>"
        f"<td>{r.errors}</td><td>{r.tokens_in:,}</td><td>{r.tokens_out:,}</td>"
        f"<td>{esc(fmt_s(r.seconds))}</td><td>{esc(fmt_s(r.llm_seconds))}</td>"
        f"<td>{esc(cost)}</td>"
    )


def agents_section(data: RunData) -> str:
    """One row per agent and a total, from `agent_stats` (what `runs show` prints too)."""
    rows = agent_stats(data.events)
    if not rows:
        return '<p class="empty">No agent has done anything yet.</p>'
    head = (
        "<tr><th>agent</th><th>nodes</th><th>failed</th><th>model calls</th><th>cached</th>"
        "<th>errors</th><th>tokens in</th><th>tokens out</th><th>node time</th>"
        "<th>model time</th><th>cost</th></tr>"
    )
    body = "".join(
        f'<tr data-agent="{esc(agent)}"><td>{swatch(agent)}</td>{_agent_cells(r)}</tr>'
        for agent, r in sorted(rows.items(), key=lambda kv: -kv[1].seconds)
    )
    foot = f'<tr data-agent=""><th>total</th>{_agent_cells(total(rows))}</tr>'
    return (
        f'<table class="num agents"><thead>{head}</thead><tbody>{body}</tbody>'
        f"<tfoot>{foot}</tfoot></table>"
    )


def call_html(event: dict[str, Any]) -> str:
    """One model call: a one-line summary, and the full messages and response inside."""
    flags = []
    if event.get("cache_hit"):
        flags.append('<span class="badge cache">cache</span>')
    if event.get("error"):
        flags.append('<span class="badge bad">error</span>')
    if num(event.get("attempt"), 1) > 1:
        flags.append(f'<span class="badge">attempt {esc(event.get("attempt"))}</span>')
    schema = event.get("schema_name") or event.get("schema") or ""
    prompt = f"{event['prompt']} prompt · " if event.get("prompt") else ""
    cost = event.get("cost_usd")
    summary = (
        f'<span class="seq">#{esc(event.get("seq", ""))}</span> '
        f'<span class="mono">{esc(event.get("node") or "-")}</span> '
        f"{esc(schema)} <small>{esc(prompt)}{esc(event.get('model', ''))} · "
        f"{num(event.get('tokens_in')):,.0f}+{num(event.get('tokens_out')):,.0f} tok · "
        f"{num(event.get('latency_s')):.2f} s"
        f"{' · ' + esc(money(num(cost))) if cost is not None else ''}</small> "
        f"{''.join(flags)}"
    )
    parts = []
    for message in as_list(event.get("messages")):
        m = as_dict(message)
        parts.append(
            f'<div class="msg"><b>{esc(m.get("role", "?"))}</b>'
            f"<pre>{esc(pretty(m.get('content', '')))}</pre></div>"
        )
    if event.get("error"):
        parts.append(f'<div class="msg err"><b>error</b><pre>{esc(event["error"])}</pre></div>')
    parts.append(
        f'<div class="msg resp"><b>response</b>'
        f"<pre>{esc(pretty(event.get('response')))}</pre></div>"
    )
    search = f"{event.get('agent')} {event.get('node')} {schema}".lower()
    return (
        f'<details class="call" data-search="{esc(search)}"><summary>{summary}</summary>'
        f"{''.join(parts)}</details>"
    )


def calls_section(data: RunData) -> str:
    calls = data.of_type("llm_call")
    if not calls:
        return '<p class="empty">No model calls logged.</p>'
    by_agent: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in calls:
        by_agent[str(event.get("agent") or "-")].append(event)
    out = [
        '<div class="tools"><input type="search" id="call-filter" placeholder="filter by '
        'agent, node or schema" aria-label="filter model calls"> '
        '<button type="button" data-toggle="open">expand all</button> '
        '<button type="button" data-toggle="close">collapse all</button></div>'
    ]
    for agent in sorted(by_agent):
        items = by_agent[agent]
        out.append(f"<h3>{swatch(agent)} <small>{plural(len(items), 'call')}</small></h3>")
        out.append("".join(call_html(e) for e in items))
    return "".join(out)


def tools_section(data: RunData) -> str:
    tools = data.of_type("tool_call")
    if not tools:
        return '<p class="empty">No tool calls logged.</p>'
    counts: dict[str, int] = defaultdict(int)
    for event in tools:
        counts[str(event.get("tool"))] += 1
    summary = ", ".join(f"{esc(t)} ×{n}" for t, n in sorted(counts.items()))
    label = plural(len(tools), "tool call")
    rows = "".join(
        f"<tr><td>{esc(e.get('seq', ''))}</td><td>{swatch(str(e.get('agent') or '-'))}</td>"
        f'<td class="mono">{esc(e.get("node") or "-")}</td><td>{esc(e.get("tool", ""))}</td>'
        f'<td class="mono small">{esc(json.dumps(e.get("args"), ensure_ascii=False))}</td>'
        f'<td>{num(e.get("seconds")):.2f}</td><td class="small">{esc(e.get("result", ""))}</td>'
        "</tr>"
        for e in tools
    )
    return spending_table(data) + (
        f"<details><summary>{label}: {summary}</summary>"
        '<div class="scroll"><table><thead><tr><th>#</th><th>agent</th><th>node</th>'
        "<th>tool</th><th>args</th><th>s</th><th>result</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div></details>"
    )


# --- critique ------------------------------------------------------------------


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def issues_table(issues: list[Any], node: str = "-", source: str = "-") -> str:
    """Issues as rows; pacing issues (kind and detail only) borrow the node that raised them."""
    if not issues:
        return '<p class="ok">No issues.</p>'
    rows = []
    for issue in issues:
        i = {"node": node, "source": source, **as_dict(issue)}
        severity = str(i.get("severity", ""))
        evidence = i.get("evidence", i.get("detail", ""))
        rows.append(
            f'<tr><td class="mono">{esc(i.get("node", "-"))}</td>'
            f"<td>{esc(i.get('kind', ''))}</td>"
            f'<td><span class="sev {esc(severity)}">{esc(severity or "-")}</span></td>'
            f'<td>{esc(i.get("source", "-"))}</td><td class="quote">{esc(evidence)}</td>'
            f"<td>{esc(i.get('fix', ''))}</td></tr>"
        )
    return (
        '<table class="issues"><thead><tr><th>node</th><th>kind</th><th>severity</th>'
        "<th>source</th><th>evidence</th><th>fix</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def critique_rounds(data: RunData) -> list[dict[str, Any]]:
    """Critique events; the critique node's stored rounds when the log has none."""
    rounds = data.of_type("critique")
    if rounds:
        return rounds
    report = data.payload("critique:series")
    return [
        {**as_dict(r), "node": "critique:series", "agent": "critics"}
        for r in as_list(report.get("rounds"))
    ]


def critique_section(data: RunData) -> str:
    rounds = critique_rounds(data)
    revisions = data.of_type("revision")
    if not rounds and not revisions:
        return '<p class="empty">No critique yet.</p>'
    head = (
        "<tr><th>check</th><th>round</th><th>found</th><th>fixed</th><th>remaining</th>"
        "<th>dropped (ungrounded)</th><th>by kind</th></tr>"
    )
    rows = []
    for r in rounds:
        kinds = ", ".join(f"{k} {v}" for k, v in as_dict(r.get("by_kind")).items())
        if not kinds:
            kinds = ", ".join(str(as_dict(i).get("kind")) for i in as_list(r.get("issues")))
        label = f"{r.get('node') or '-'}" + (f" ({r['source']})" if r.get("source") else "")
        rows.append(
            f'<tr><td class="mono">{esc(label)}</td><td>{esc(r.get("round", ""))}</td>'
            f"<td>{esc(r.get('found', ''))}</td><td>{esc(r.get('fixed', ''))}</td>"
            f"<td>{esc(r.get('remaining', ''))}</td>"
            f"<td>{esc(r.get('dropped_ungrounded', ''))}</td><td>{esc(kinds)}</td></tr>"
        )
    out = [
        f"<p>{plural(len(rounds), 'critique round')}, {plural(len(revisions), 'revision')}.</p>",
        f'<table class="num"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>',
    ]
    for r in rounds:
        issues = as_list(r.get("issues"))
        label = f"{r.get('node') or '-'} round {r.get('round', '?')}"
        opened = " open" if issues and len(issues) <= 10 and len(rounds) <= 6 else ""
        table = issues_table(issues, str(r.get("node") or "-"), str(r.get("source") or "-"))
        out.append(
            f'<details class="round"{opened}><summary>{esc(label)}: '
            f"{plural(len(issues), 'issue')}</summary>{table}</details>"
        )
    if revisions:
        out.append("<h3>Revisions the critique asked for (before → after)</h3>")
    for rev in revisions:
        target = rev.get("target") or rev.get("node") or "-"
        issues = as_list(rev.get("issues"))
        out.append(
            f'<details class="revision"><summary>round {esc(rev.get("round", "?"))}: '
            f'<span class="mono">{esc(target)}</span> revised for '
            f"{plural(len(issues), 'issue')}"
            f"</summary>{issues_table(issues)}"
            f"{diff_html(str(rev.get('before') or ''), str(rev.get('after') or ''))}"
            "</details>"
        )
    final = as_list(data.payload("critique:series").get("final_issues"))
    if data.payload("critique:series"):
        opened = " open" if len(final) <= 10 else ""
        out.append(
            f'<details class="round"{opened}><summary><b>Left at the end: '
            f"{plural(len(final), 'issue')}</b></summary>{issues_table(final)}</details>"
        )
    return "".join(out)


# --- diffs ----------------------------------------------------------------------


def _words(old: str, new: str) -> tuple[str, str]:
    """Both lines escaped, with the changed words wrapped in <mark>."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        x, y = esc("".join(a[i1:i2])), esc("".join(b[j1:j2]))
        if tag == "equal":
            left.append(x)
            right.append(y)
        else:
            left.append(f"<mark>{x}</mark>" if x else "")
            right.append(f"<mark>{y}</mark>" if y else "")
    return "".join(left), "".join(right)


def diff_html(before: str, after: str, context: int = 2) -> str:
    """A line diff with removed lines red, added lines green and changed words marked."""
    a, b = before.splitlines(), after.splitlines()
    if a == b:
        return '<p class="empty">No textual change.</p>'
    rows = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        i0, j0 = group[0][1], group[0][3]
        rows.append(f'<div class="hunk">@@ line {i0 + 1} → {j0 + 1}</div>')
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [f'<div class="ctx"> {esc(line)}</div>' for line in a[i1:i2]]
            elif tag == "replace" and i2 - i1 == j2 - j1:
                for old, new in zip(a[i1:i2], b[j1:j2], strict=True):
                    x, y = _words(old, new)
                    rows.append(f'<div class="del">-{x}</div>')
                    rows.append(f'<div class="add">+{y}</div>')
            else:
                rows += [f'<div class="del">-{esc(line)}</div>' for line in a[i1:i2]]
                rows += [f'<div class="add">+{esc(line)}</div>' for line in b[j1:j2]]
    return f'<div class="diff">{"".join(rows)}</div>'


def spending_table(data: RunData) -> str:
    """What the paid services and models billed, by backend and by agent."""
    by: dict[tuple[str, str], float] = defaultdict(float)
    for event in data.of_type("tool_call") + data.of_type("llm_call"):
        cost = num(event.get("cost_usd"))
        if cost:
            backend = event.get("tool") or event.get("model") or "-"
            by[(str(backend), str(event.get("agent") or "-"))] += cost
    if not by:
        return ""
    rows = "".join(
        f"<tr><td>{esc(b)}</td><td>{swatch(a)}</td><td>{esc(money(usd))}</td></tr>"
        for (b, a), usd in sorted(by.items())
    )
    total = money(sum(by.values()))
    return (
        f'<p data-stat="spent">Spent on paid services: <b>{esc(total)}</b></p>'
        "<table><thead><tr><th>backend</th><th>agent</th><th>spent</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
