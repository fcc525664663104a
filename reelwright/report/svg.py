"""The report's pictures, drawn here so the page needs no script library or network.

Every label that came from a model or a user goes through `esc`.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from typing import Any

from reelwright.report.data import RunData, Span, as_dict, as_list, natural_key, num

AGENT_COLOURS = {
    "writer": "#4e79a7",
    "critics": "#e15759",
    "director": "#f28e2b",
    "cinematographer": "#59a14f",
    "editor": "#b07aa1",
    "showrunner": "#c9a227",
}
_SPARE = ["#76b7b2", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d37295"]
STATUS_COLOURS = {
    "done": "#3a9a3a",
    "failed": "#d62728",
    "stale": "#e08a00",
    "running": "#1f77b4",
    "review": "#8e44ad",
    "pending": "#9a9a9a",
    "ready": "#c9a227",
}
LINE_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"]


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def agent_colour(agent: str) -> str:
    if agent in AGENT_COLOURS:
        return AGENT_COLOURS[agent]
    return _SPARE[sum(map(ord, agent)) % len(_SPARE)]


def nice_step(span: float, ticks: int = 8) -> float:
    """A 1-2-5 step giving about `ticks` ticks over `span`."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def fmt_s(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 120:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"


# --- waterfall ---------------------------------------------------------------


def _bar(s: Span, t0: float, total: float, colour: str) -> str:
    left = (s.start - t0) / total * 100
    width = max((s.end - s.start) / total * 100, 0.15)
    tip = (
        f"{s.node} ({s.kind}) {s.outcome}: +{s.start - t0:.2f}s to +{s.end - t0:.2f}s, "
        f"{s.end - s.start:.2f}s"
    )
    return (
        f'<i class="bar {s.outcome}" style="left:{left:.3f}%;width:{width:.3f}%;'
        f'background-color:{colour}" title="{esc(tip)}"></i>'
    )


def waterfall(spans: list[Span], open_rows: int = 60) -> str:
    """An agent lane each, opening to one row per node; bars placed by percentage."""
    if not spans:
        return '<p class="empty">No node has started yet.</p>'
    t0 = min(s.start for s in spans)
    t1 = max(max(s.end for s in spans), t0 + 0.001)
    total = t1 - t0
    unit, name = (1.0, "s") if total < 180 else (60.0, "min") if total < 3 * 3600 else (3600.0, "h")
    step = nice_step(total / unit) * unit
    ticks = "".join(
        f'<i style="left:{(k * step) / total * 100:.3f}%">{k * step / unit:g} {name}</i>'
        for k in range(int(total / step) + 1)
    )
    out = [
        f'<div class="wf"><div class="wf-row wf-axis"><span class="wf-label">'
        f'time since first start</span><div class="wf-track">{ticks}</div></div>'
    ]
    by_agent: dict[str, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
    for span in spans:
        by_agent[span.agent][span.node].append(span)
    order = sorted(by_agent, key=lambda a: min(s.start for n in by_agent[a].values() for s in n))
    for agent in order:
        rows = by_agent[agent]
        busy = sum(s.end - s.start for ss in rows.values() for s in ss)
        colour = agent_colour(agent)
        lane = "".join(_bar(s, t0, total, colour) for ss in rows.values() for s in ss)
        opened = " open" if len(rows) <= open_rows else ""
        out.append(
            f'<details class="wf-agent"{opened}><summary class="wf-row wf-lane" '
            f'title="{esc(agent)}: {len(rows)} nodes, {esc(fmt_s(busy))} busy">'
            f'<span class="wf-label"><span class="swatch" style="background:{colour}">'
            f"</span>{esc(agent)} <small>{len(rows)}</small></span>"
            f'<div class="wf-track">{lane}</div></summary>'
        )
        for node in sorted(rows, key=lambda n: (min(s.start for s in rows[n]), natural_key(n))):
            bars = "".join(_bar(s, t0, total, colour) for s in rows[node])
            out.append(
                f'<div class="wf-row"><span class="wf-label mono" title="{esc(node)}">'
                f'{esc(node)}</span><div class="wf-track">{bars}</div></div>'
            )
        out.append("</details>")
    out.append("</div>")
    return "".join(out)


# --- the plan graph ----------------------------------------------------------


def layers(data: RunData) -> list[list[str]]:
    """Longest-path layers from the sources; nodes on a cycle go to one last layer."""
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for src, dst, _ in data.edges:
        preds[dst].append(src)
        succs[src].append(dst)
    indegree = {n: len(preds[n]) for n in data.nodes}
    depth = dict.fromkeys(data.nodes, 0)
    queue = sorted((n for n, d in indegree.items() if d == 0), key=natural_key)
    seen = 0
    while queue:
        node = queue.pop()
        seen += 1
        for nxt in succs[node]:
            depth[nxt] = max(depth[nxt], depth[node] + 1)
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                queue.append(nxt)
    top = max(depth.values(), default=0)
    if seen < len(data.nodes):
        for node, d in indegree.items():
            if d > 0:
                depth[node] = top + 1
    grouped: dict[int, list[str]] = defaultdict(list)
    for node, d in depth.items():
        grouped[d].append(node)
    result = [sorted(grouped[k], key=natural_key) for k in sorted(grouped)]
    position: dict[str, float] = {}
    for layer in result:  # one barycentre sweep keeps related nodes side by side

        def bary(n: str) -> tuple[float, tuple[Any, ...]]:
            ps = [position[p] for p in preds[n] if p in position]
            return (sum(ps) / len(ps) if ps else 0.0, natural_key(n))

        layer.sort(key=bary)
        for i, node in enumerate(layer):
            position[node] = i / max(len(layer), 1)
    return result


def plan_svg(data: RunData, max_rows: int = 36) -> str:
    """Columns are topological layers (wrapped into sub-columns), edges are curves."""
    if not data.nodes:
        return '<p class="empty">The plan is empty.</p>'
    row_h, box_h, gap = 22, 17, 46
    columns: list[list[str]] = []
    for layer in layers(data):
        for i in range(0, len(layer), max_rows):
            columns.append(layer[i : i + max_rows])
    place: dict[str, tuple[float, float, float]] = {}
    x = 10.0
    height = max(len(c) for c in columns) * row_h + 20
    label = {n: n if len(n) <= 48 else n[:47] + "…" for n in data.nodes}
    for column in columns:
        width = max(len(label[n]) for n in column) * 6.4 + 14
        offset = (height - len(column) * row_h) / 2
        for i, node in enumerate(column):
            place[node] = (x, offset + i * row_h, width)
        x += width + gap
    parts = []
    for src, dst, order_only in data.edges:
        sx, sy, sw = place[src]
        dx, dy, _ = place[dst]
        x1, y1, x2, y2 = sx + sw, sy + box_h / 2, dx, dy + box_h / 2
        mid = (x1 + x2) / 2
        dash = ' stroke-dasharray="3 3"' if order_only else ""
        parts.append(
            f'<path d="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} '
            f'{x2:.1f},{y2:.1f}"{dash}/>'
        )
    boxes = []
    for node, (nx_, ny, nw) in place.items():
        d = data.nodes[node]
        owner, status = str(d.get("owner") or "-"), str(d.get("status") or "pending")
        tip = f"{node}\nkind {d.get('kind')}, owner {owner}\nstatus {status}, v{d.get('version')}"
        if d.get("error"):
            tip += f"\nerror: {d.get('error')}"
        stroke = STATUS_COLOURS.get(status, "#666")
        boxes.append(
            f'<g><title>{esc(tip)}</title><rect x="{nx_:.1f}" y="{ny:.1f}" '
            f'width="{nw:.1f}" height="{box_h}" rx="4" fill="{agent_colour(owner)}" '
            f'fill-opacity="0.18" stroke="{stroke}" stroke-width="1.6"/>'
            f'<text x="{nx_ + 6:.1f}" y="{ny + 12.5:.1f}">{esc(label[node])}</text></g>'
        )
    return (
        f'<svg class="plan" xmlns="http://www.w3.org/2000/svg" width="{x:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {x:.0f} {height:.0f}" role="img" '
        f'aria-label="plan graph"><g class="edges">{"".join(parts)}</g>'
        f'<g class="nodes">{"".join(boxes)}</g></svg>'
    )


def mermaid(data: RunData) -> str:
    """The same graph as Mermaid text, for pasting into any Mermaid viewer."""
    names = {n: f"n{i}" for i, n in enumerate(sorted(data.nodes, key=natural_key))}
    lines = ["flowchart LR"]
    for node, short in names.items():
        label = node.replace('"', "#quot;")
        lines.append(f'  {short}["{label}"]:::{data.nodes[node].get("status", "pending")}')
    for src, dst, order_only in data.edges:
        lines.append(f"  {names[src]} {'-.->' if order_only else '-->'} {names[dst]}")
    for status, colour in STATUS_COLOURS.items():
        lines.append(f"  classDef {status} stroke:{colour}")
    return "\n".join(lines)


# --- the emotional curve -----------------------------------------------------


def emotion_svg(episode: int, data: RunData) -> str:
    """Target valence per scene (dashed) against each character's ledger valence."""
    outline = data.payload(f"episode:{episode}")
    beats = [as_dict(b) for b in as_list(outline.get("scenes"))]
    scene_ids = [s for s in data.ids("scene") if s.startswith(f"scene:{episode}.")]
    count = max(len(beats), len(scene_ids))
    if count == 0:
        return '<p class="empty">No outline or scenes yet.</p>'
    series: dict[str, list[tuple[int, float, str]]] = {}
    target = [
        (i, num(b.get("target_valence")), str(b.get("target_emotion", "")))
        for i, b in enumerate(beats)
        if isinstance(b.get("target_valence"), int | float)
    ]
    for sid in scene_ids:
        try:
            index = int(sid.rsplit(".", 1)[1]) - 1
        except ValueError:
            continue
        ledger = as_dict(data.payload(sid).get("ledger"))
        for state in as_list(ledger.get("characters")):
            feels = as_dict(as_dict(state).get("feels"))
            if isinstance(feels.get("valence"), int | float):
                name = str(as_dict(state).get("name", "?"))
                series.setdefault(name, []).append(
                    (index, float(feels["valence"]), str(feels.get("label", "")))
                )
    w, h, left, right, top, bottom = 500, 230, 40, 14, 12, 34
    step = (w - left - right) / max(count - 1, 1)

    def px(i: int) -> float:
        return left + (i * step if count > 1 else (w - left - right) / 2)

    def py(v: float) -> float:
        return top + (1 - max(-1.0, min(1.0, v))) / 2 * (h - top - bottom)

    grid = []
    for v in (-1, -0.5, 0, 0.5, 1):
        cls = "zero" if v == 0 else "grid"
        grid.append(
            f'<line class="{cls}" x1="{left}" x2="{w - right}" y1="{py(v):.1f}" '
            f'y2="{py(v):.1f}"/><text class="tick" x="{left - 6}" y="{py(v) + 4:.1f}" '
            f'text-anchor="end">{v:+g}</text>'
        )
    for i in range(count):
        grid.append(
            f'<text class="tick" x="{px(i):.1f}" y="{h - bottom + 16}" '
            f'text-anchor="middle">{episode}.{i + 1}</text>'
        )
    grid.append(
        f'<text class="tick" x="{(w + left) / 2:.0f}" y="{h - 3}" text-anchor="middle">scene</text>'
    )
    drawn = []
    legend: list[str] = []
    plots = [
        (name, LINE_COLOURS[k % len(LINE_COLOURS)], sorted(points), "")
        for k, (name, points) in enumerate(sorted(series.items()))
    ]
    plots.append(("target (outline)", "#222", target, ' stroke-dasharray="6 4"'))  # on top
    for name, colour, points, dash in plots:
        if not points:
            continue
        path = " ".join(  # a scene the character is absent from breaks the line
            f"{'L' if j and points[j - 1][0] == i - 1 else 'M'}{px(i):.1f},{py(v):.1f}"
            for j, (i, v, _) in enumerate(points)
        )
        dots = "".join(
            f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="3.5" fill="{colour}">'
            f"<title>{esc(name)}, scene {episode}.{i + 1}: {esc(label)} {v:+.2f}"
            f"</title></circle>"
            for i, v, label in points
        )
        drawn.append(
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>{dots}'
        )
        line = "dash" if dash else "solid"
        legend.insert(
            0 if dash else len(legend),
            f'<span><i class="key {line}" style="border-color:{colour}"></i>{esc(name)}</span>',
        )
    return (
        f'<figure class="curve"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}"'
        f' width="{w}" height="{h}" role="img" aria-label="emotional curve, episode '
        f'{episode}">{"".join(grid)}{"".join(drawn)}</svg>'
        f'<figcaption class="legend">{"".join(legend)}</figcaption></figure>'
    )
