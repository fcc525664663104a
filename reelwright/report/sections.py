"""Report sections about the story: overview, curves, storyboard, episodes, revisions, files."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from reelwright.report.calls import money, plural
from reelwright.report.data import RunData, as_dict, as_list, natural_key, num, safe_rel, totals
from reelwright.report.pacing import pacing_html
from reelwright.report.svg import STATUS_COLOURS, emotion_svg, esc, fmt_s

_OUTPUTS = (
    "series.md",
    "continuity.md",
    "continuity.json",
    "run.toml",
    "plan.json",
    "events.jsonl",
    "run.otlp.jsonl",
)


def url(rel: str) -> str:
    """A relative path as an attribute value: percent-encoded, then HTML-escaped."""
    return esc(quote(rel, safe="/._-~"))


def overview(data: RunData) -> str:
    t = totals(data)
    bible = data.payload("series")
    status_counts = " ".join(
        f'<span class="badge" style="border-color:{STATUS_COLOURS.get(s, "#999")}">'
        f"{esc(s)} {n}</span>"
        for s, n in t["by_status"].items()
    )
    cards = [
        ("nodes", f"{t['nodes']:,}"),
        ("model calls", f"{t['calls']:,}"),
        ("cache hits", f"{t['cache_hits']:,}"),
        ("tokens in", f"{t['tokens_in']:,}"),
        ("tokens out", f"{t['tokens_out']:,}"),
        ("cost", money(t["cost"])),
        ("spent on services", money(_spent_on_services(data))),
        ("time", fmt_s(t["wall_s"])),
        ("events", f"{t['events']:,}"),
    ]
    card_html = "".join(
        f'<div class="card" data-stat="{esc(k)}"><small>{esc(k)}</small><b>{esc(v)}</b></div>'
        for k, v in cards
    )
    out = [
        f'<p class="logline">{esc(bible.get("logline", ""))}</p>' if bible.get("logline") else "",
        f'<blockquote class="premise"><small>premise</small>{esc(data.premise or "-")}'
        "</blockquote>",
        f'<p>Run <span class="mono">{esc(data.run_id)}</span> · status '
        f'<span class="status {esc(data.status)}">{esc(data.status)}</span> · {status_counts}'
        "</p>",
        f'<div class="cards">{card_html}</div>',
    ]
    gates = data.of_type("review_gate")
    if gates:
        out.append(
            f'<p class="note">Stopped for review after the '
            f"{esc(gates[-1].get('gate', '?'))} (seq {esc(gates[-1].get('seq', '?'))}); "
            "resume the run to go on.</p>"
        )
    if data.problems:
        out.append(
            '<ul class="problems">' + "".join(f"<li>{esc(p)}</li>" for p in data.problems) + "</ul>"
        )
    failed = [(n, d) for n, d in data.nodes.items() if d.get("status") == "failed"]
    if failed:
        rows = "".join(
            f'<tr><td class="mono">{esc(n)}</td><td>{esc(d.get("error") or "")}</td></tr>'
            for n, d in sorted(failed, key=lambda x: natural_key(x[0]))
        )
        out.append(
            f"<h3>Failed nodes ({len(failed)})</h3><table><thead><tr><th>node</th>"
            f"<th>error</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    if data.settings:
        rows = "".join(
            f"<tr><th>{esc(k)}</th><td>{esc(_plain(v))}</td></tr>"
            for k, v in data.settings.items()
            if k != "premise"
        )
        out.append(
            f'<details><summary>Settings</summary><table class="kv">{rows}</table></details>'
        )
    if bible:
        out.append(bible_html(bible))
    return "".join(out)


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def bible_html(bible: dict[str, Any]) -> str:
    chars = "".join(
        f"<tr><td><b>{esc(c.get('name', ''))}</b><br><small>{esc(c.get('age', ''))}, "
        f"{esc(c.get('role', ''))}</small></td><td>{esc(c.get('want', ''))}</td>"
        f"<td>{esc(c.get('flaw', ''))}</td><td>{esc(c.get('secret', ''))}</td>"
        f'<td class="small">{esc(c.get("look", ""))}</td></tr>'
        for c in map(as_dict, as_list(bible.get("characters")))
    )
    places = "".join(
        f"<li><b>{esc(loc.get('name', ''))}</b>: {esc(loc.get('look', ''))}</li>"
        for loc in map(as_dict, as_list(bible.get("locations")))
    )
    return (
        f"<details open><summary>Series bible: {esc(bible.get('genre', ''))}, "
        f"{esc(bible.get('tone', ''))}</summary><p>{esc(bible.get('arc', ''))}</p>"
        "<table><thead><tr><th>character</th><th>wants</th><th>flaw</th><th>secret</th>"
        f"<th>look</th></tr></thead><tbody>{chars}</tbody></table>"
        f'<ul class="places">{places}</ul></details>'
    )


def episodes_of(data: RunData) -> list[int]:
    numbers = set()
    for node_id in data.nodes:
        kind, _, rest = node_id.partition(":")
        if kind in ("episode", "cut", "scene", "shot") and rest.split(".")[0].isdigit():
            numbers.add(int(rest.split(".")[0]))
    return sorted(numbers)


def emotion_section(data: RunData) -> str:
    eps = [
        e
        for e in episodes_of(data)
        if data.payload(f"episode:{e}")
        or any(s.startswith(f"scene:{e}.") for s in data.ids("scene"))
    ]
    if not eps:
        return '<p class="empty">No outlines yet.</p>'
    out = [
        '<p class="note">The dashed line is the outline\'s target valence per scene; each '
        "solid line is what a character feels at the scene's end, from its ledger "
        "(−1 negative, +1 positive; values outside are clamped).</p>"
    ]
    for ep in eps:
        title = data.payload(f"episode:{ep}").get("title", "")
        out.append(f"<div><h3>Episode {ep}: {esc(title)}</h3>{emotion_svg(ep, data)}</div>")
    return out[0] + '<div class="curves">' + "".join(out[1:]) + "</div>"


def _dialogue(data: RunData, shot: dict[str, Any], shot_id: str) -> list[str]:
    """The lines a shot covers: voiced line payloads, else the scene's script by number."""
    out = []
    for lid in as_list(shot.get("line_ids")):
        line = data.payload(f"line:{lid}")
        if line:
            out.append(f"{line.get('speaker', '')}: {line.get('text', '')}")
    if out or not shot.get("lines"):
        return out
    scene = data.payload("scene:" + ".".join(shot_id.split(".")[:2]))
    lines = as_list(scene.get("lines"))
    for n in as_list(shot.get("lines")):
        if isinstance(n, int) and 1 <= n <= len(lines):
            line = as_dict(lines[n - 1])
            out.append(f"{line.get('speaker', '')}: {line.get('text', '')}")
    return out


def first_frame(data: RunData, episode: int) -> str | None:
    for shot in data.ids("shot"):
        if shot.startswith(f"shot:{episode}."):
            return safe_rel(data.path, data.payload("frame:" + shot[5:]).get("path"))
    return None


def storyboard_section(data: RunData) -> str:
    shots = data.ids("shot")
    if not shots:
        return '<p class="empty">No shots planned yet.</p>'
    out = []
    current = None
    for node_id in shots:
        shot_id = node_id.partition(":")[2]
        scene_key = ".".join(shot_id.split(".")[:2])
        if scene_key != current:
            if current is not None:
                out.append("</div>")
            current = scene_key
            scene = data.payload(f"scene:{scene_key}")
            heading = ""
            if scene:
                heading = (
                    f"{'INT' if scene.get('interior') else 'EXT'}. "
                    f"{str(scene.get('location', '')).upper()} - "
                    f"{scene.get('time_of_day', '')}"
                )
            out.append(
                f'<h3>Scene {esc(scene_key)} <small>{esc(heading)}</small></h3><div class="board">'
            )
        shot = data.payload(node_id)
        frame = data.payload(f"frame:{shot_id}")
        rel = safe_rel(data.path, frame.get("path"))
        picture = (
            f'<img loading="lazy" src="{url(rel)}" alt="frame {esc(shot_id)}">'
            if rel
            else '<div class="noframe">no frame</div>'
        )
        duration = num(frame.get("duration"), num(shot.get("duration")))
        badges = "".join(
            f'<span class="badge {k}">{k}</span>' for k in ("hook", "cliffhanger") if shot.get(k)
        )
        lines = "".join(f"<q>{esc(t)}</q>" for t in _dialogue(data, shot, shot_id))
        out.append(
            f'<figure class="shot">{picture}<figcaption><b class="mono">{esc(shot_id)}'
            f"</b> {badges}<br>{esc(shot.get('size', '?'))} · "
            f"{esc(shot.get('angle', ''))} · {esc(shot.get('move', ''))} · "
            f"{esc(shot.get('lens_mm', '?'))} mm · {duration:.1f} s"
            f"<br><small>{esc(shot.get('emotion', ''))}</small>{lines}"
            "</figcaption></figure>"
        )
    out.append("</div>")
    return "".join(out)


def player_section(data: RunData) -> str:
    cuts = data.ids("cut")
    if not cuts:
        return '<p class="empty">No episode cut yet.</p>'
    out = ['<div class="episodes">']
    for node_id in cuts:
        ep = node_id.partition(":")[2]
        cut = data.payload(node_id)
        mp4 = safe_rel(data.path, cut.get("mp4"))
        poster = first_frame(data, int(ep)) if ep.isdigit() else None
        poster_attr = f' poster="{url(poster)}"' if poster else ""
        video = (
            f'<video controls preload="metadata" playsinline src="{url(mp4)}"{poster_attr}></video>'
            if mp4
            else f'<div class="noframe">no video ({esc(data.nodes[node_id].get("status"))})</div>'
        )
        links = []
        for key in ("mp4", "srt", "otio", "edl", "xml", "jianying"):
            value = cut.get(key)
            if key == "jianying" and isinstance(value, str):
                value = f"{value}/draft_content.json"  # the draft is a folder
            rel = safe_rel(data.path, value)
            if rel is None and ep.isdigit() and key in ("edl", "xml"):
                rel = safe_rel(data.path, f"episode_{int(ep):02d}.{key}")
            if rel:
                links.append(f'<a href="{url(rel)}">{esc(rel)}</a>')
        out.append(
            f'<div class="episode"><h3>Episode {esc(ep)}</h3>{video}'
            f"<p>{num(cut.get('seconds')):.1f} s · {' · '.join(links) or 'no files'}</p>"
            f"{pacing_html(cut.get('pacing'))}</div>"
        )
    out.append("</div>")
    return "".join(out)


def revisions_section(data: RunData) -> str:
    notes = data.of_type("human_note")
    if not notes and not data.versions:
        return '<p class="empty">No revisions: this is the first version.</p>'
    out = []
    if notes:
        rows = "".join(
            f'<tr><td>{esc(n.get("seq", ""))}</td><td class="small">{esc(n.get("ts", ""))}</td>'
            f"<td>{esc(n.get('version', ''))}</td><td>{esc(n.get('note', ''))}</td>"
            f'<td class="mono small">{esc(", ".join(map(str, as_list(n.get("nodes")))))}</td>'
            "</tr>"
            for n in notes
        )
        out.append(
            "<h3>Notes</h3><table><thead><tr><th>#</th><th>when</th><th>version</th>"
            f"<th>note</th><th>nodes</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    if data.versions:
        items = []
        for i, version in enumerate(data.versions):
            later = data.versions[i + 1].nodes if i + 1 < len(data.versions) else data.nodes
            changed = changed_nodes(version.nodes, later)
            links = [
                f'<a href="{url(rel)}">{name}</a>'
                for name in ("report.html", "plan.json")
                if (rel := safe_rel(data.path, f"versions/{version.name}/{name}"))
            ]
            size = f"{len(version.nodes)} nodes" if version.nodes is not None else "no plan"
            after = "the next version" if i + 1 < len(data.versions) else "now"
            verb = "differs" if len(changed) == 1 else "differ"
            diff = (
                f"{plural(len(changed), 'node')} {verb} from {after}: "
                + ", ".join(changed[:40])
                + (" …" if len(changed) > 40 else "")
                if changed
                else f"no node differs from {after}"
            )
            items.append(
                f"<li><b>{esc(version.name)}</b> · {esc(size)} · "
                f"{' · '.join(links) or 'no files'}<blockquote><small>the run before "
                f"this note</small>{esc(version.note.strip() or '(no note)')}"
                f'</blockquote><small class="mono">{esc(diff)}</small></li>'
            )
        out.append(
            '<h3>Saved versions</h3><p class="note">Each version is the run as it was '
            "before a note was applied (<code>reelwright undo</code> goes back to the "
            f'last one).</p><ul class="versions">{"".join(items)}</ul>'
        )
    return "".join(out)


def changed_nodes(
    old: dict[str, dict[str, Any]] | None, new: dict[str, dict[str, Any]] | None
) -> list[str]:
    """Node ids added, removed, or with a different payload between two plans."""
    if old is None or new is None:
        return []
    ids = sorted(set(old) | set(new), key=natural_key)
    return [
        n
        for n in ids
        if n not in old or n not in new or old[n].get("payload") != new[n].get("payload")
    ]


def files_section(data: RunData) -> str:
    root = data.path
    found = [name for name in _OUTPUTS if (root / name).is_file()]
    for folder, pattern in (("script", "*"), ("shots", "*.csv"), (".", "episode_*")):
        base = root / folder
        if base.is_dir():
            found += sorted(
                p.relative_to(root).as_posix() for p in base.glob(pattern) if p.is_file()
            )
    counts = []
    for folder in ("frames", "clips", "audio", "cache"):
        if (root / folder).is_dir():
            counts.append(
                f"{folder}/ ({sum(1 for p in (root / folder).rglob('*') if p.is_file())} files)"
            )
    if not found and not counts:
        return '<p class="empty">No output files yet.</p>'
    links = "".join(f'<li><a href="{url(r)}">{esc(r)}</a></li>' for r in found if safe_rel(root, r))
    return f'<ul class="files">{links}{"".join(f"<li>{esc(c)}</li>" for c in counts)}</ul>'


def _spent_on_services(data: RunData) -> float:
    """USD the paid generation services billed (tool calls with a cost)."""
    return sum(num(e.get("cost_usd")) for e in data.of_type("tool_call"))
