"""The cut's pacing, before and after the editor's pass and as heard: for the HTML
report's episode column and for `runs show`. Old runs (a plain list of issues) still show."""

from __future__ import annotations

from typing import Any

from reelwright.report.data import as_dict, as_list, num
from reelwright.report.svg import esc

PHASES = ("first", "before", "after", "audio")
HEADS = {"first": "before rewrite", "before": "planned", "after": "cut", "audio": "heard"}


def _phases(pacing: dict[str, Any]) -> tuple[str, ...]:
    """The columns this cut has: "before rewrite" only after scenes were sent back."""
    return tuple(p for p in PHASES if p != "first" or pacing.get("first"))


def _s(value: Any) -> str:
    return "-" if value is None else f"{num(value):.2f} s"


def _kinds(problems: list[Any]) -> str:
    """`slow_opening, dead_air x5`: each kind once, with its count."""
    counts: dict[str, int] = {}
    for p in problems:
        kind = str(as_dict(p).get("kind", ""))
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(k + (f" x{n}" if n > 1 else "") for k, n in counts.items()) or "none"


def _yes(value: Any) -> str:
    return "yes" if value else "no"


def _figure_rows(pacing: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(label, one cell per phase) for each figure."""
    figs = [as_dict(pacing.get(p)) for p in _phases(pacing)]

    def row(label: str, cell: Any) -> tuple[str, list[str]]:
        return label, [cell(f) if f else "-" for f in figs]

    return [
        row("first spoken line", lambda f: _s(f.get("first_line_s"))),
        row(
            "longest silence",
            lambda f: f"{_s(f.get('longest_silence_s'))} at {num(f.get('longest_silence_at')):.1f}",
        ),
        row("lines per minute", lambda f: f"{num(f.get('lines_per_minute')):.1f}"),
        row("speech share", lambda f: f"{num(f.get('speech_share')) * 100:.0f}%"),
        row(
            "shot length min/median/max",
            lambda f: (
                f"{num(f.get('shot_min_s')):.1f}/{num(f.get('shot_median_s')):.1f}/"
                f"{num(f.get('shot_max_s')):.1f} s"
            ),
        ),
        row("shot length spread (sd)", lambda f: _s(f.get("shot_sd_s"))),
        row(
            "line in the last 5 s",
            lambda f: _yes(f.get("tail_line")) + f" (last ends {_s(f.get('last_line_end_s'))})",
        ),
        row(
            "length / target",
            lambda f: f"{num(f.get('total_s')):.1f} / {num(f.get('target_s')):.0f} s",
        ),
        row(
            "problems",
            lambda f: _kinds(as_list(f.get("problems"))),
        ),
    ]


def pacing_html(pacing: Any) -> str:
    """A small table of figures, then the editor's fixes and what it sent back."""
    if isinstance(pacing, list):  # runs from before the pacing pass
        items = "".join(
            f"<li><b>{esc(i.get('kind', ''))}</b>: {esc(i.get('detail', ''))}</li>"
            for i in map(as_dict, pacing)
        )
        return f'<p class="small">Pacing:</p><ul class="small pacing">{items}</ul>' if items else ""
    p = as_dict(pacing)
    if not p:
        return ""
    head = "".join(f"<th>{HEADS[x]}</th>" for x in _phases(p))
    rows = "".join(
        f"<tr><td>{esc(label)}</td>{''.join(f'<td>{esc(c)}</td>' for c in cells)}</tr>"
        for label, cells in _figure_rows(p)
    )
    fixes = as_list(p.get("fixes"))
    sent = as_list(p.get("sent_back"))
    rewritten = as_list(p.get("rewritten"))
    rewrite_items = "".join(
        f"<li><span class='mono'>{esc(b.get('node'))}</span> {esc(b.get('kind'))}: "
        f"{esc(b.get('detail'))}</li>"
        for b in map(as_dict, rewritten)
    )
    fix_items = "".join(
        f"<li>{esc(f.get('kind'))} <span class='mono'>{esc(f.get('shot'))}</span> "
        f"{num(f.get('before')):.2f} → {num(f.get('after')):.2f} s</li>"
        for f in map(as_dict, fixes)
    )
    sent_items = "".join(
        f"<li><b>{esc(b.get('kind'))}</b> <span class='mono'>{esc(b.get('node'))}</span> "
        f"→ {esc(b.get('sent_to'))}: {esc(b.get('detail'))}</li>"
        for b in map(as_dict, sent)
    )
    return (
        f'<div class="pacing small"><p>Pacing ({int(num(p.get("rounds")))} editor rounds, '
        f"{len(fixes)} fixes, {len(sent)} sent back)</p>"
        f'<table class="pacing"><thead><tr><th></th>{head}</tr></thead><tbody>{rows}</tbody>'
        "</table>"
        + (
            f"<details><summary>editor's fixes</summary><ul>{fix_items}</ul></details>"
            if fixes
            else ""
        )
        + (f"<p>Sent back:</p><ul>{sent_items}</ul>" if sent else "")
        + (
            f"<p>Rewritten by their writer before this cut:</p><ul>{rewrite_items}</ul>"
            if rewritten
            else ""
        )
        + "</div>"
    )


def pacing_lines(node_id: str, pacing: Any) -> list[str]:
    """`runs show`: the figures of one cut as aligned text."""
    if isinstance(pacing, list):
        return [
            f"pacing   {node_id}: {as_dict(i).get('kind')} {as_dict(i).get('detail')}"
            for i in pacing
        ]
    p = as_dict(pacing)
    if not p:
        return []
    out = [f"pacing   {node_id}   " + "".join(f"{HEADS[x]:>26}" for x in _phases(p))]
    out += [
        f"  {label:<29}" + "".join(f"{c:>26}" for c in cells) for label, cells in _figure_rows(p)
    ]
    out.append(f"  editor rounds {int(num(p.get('rounds')))}, fixes {len(as_list(p.get('fixes')))}")
    for b in map(as_dict, as_list(p.get("sent_back"))):
        out.append(
            f"  sent back to {b.get('sent_to')}: {b.get('node')} {b.get('kind')}: {b.get('detail')}"
        )
    for b in map(as_dict, as_list(p.get("rewritten"))):
        out.append(
            f"  rewritten before this cut: {b.get('node')} {b.get('kind')}: {b.get('detail')}"
        )
    return out
