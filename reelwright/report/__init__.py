"""report.html: one self-contained page that shows what every agent did in a run, and why.

The page has no network dependency: CSS and the small script are inline, the
pictures are SVG drawn here, and frames and videos are linked by paths inside
the run folder. All text from models and users is HTML-escaped, and a content
security policy that allows only this page's own script (by hash) backs that up.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from reelwright.report.calls import agents_section, calls_section, critique_section, tools_section
from reelwright.report.data import RunData, load_run, spans
from reelwright.report.plan import FULL_LIMIT, collapsed_section
from reelwright.report.sections import (
    emotion_section,
    files_section,
    overview,
    player_section,
    revisions_section,
    storyboard_section,
)
from reelwright.report.svg import (
    STATUS_COLOURS,
    agent_colour,
    esc,
    mermaid,
    plan_svg,
    waterfall,
)
from reelwright.tools.jsonio import write_text_atomic

__all__ = ["render_report", "write_report"]

CSS = """
:root{--fg:#1d2330;--muted:#5b6475;--line:#e1e4ea;--bg:#f4f5f8;--accent:#3d6fb0}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",
 "Noto Sans CJK SC","PingFang SC",sans-serif;color:var(--fg);background:var(--bg)}
.layout{display:grid;grid-template-columns:200px minmax(0,1fr)}
nav.toc{position:sticky;top:0;height:100vh;overflow:auto;padding:18px 10px;background:#fff;
 border-right:1px solid var(--line)}
nav.toc .brand{font-weight:700;padding:0 8px 10px;color:var(--muted);font-size:12px;
 letter-spacing:.08em;text-transform:uppercase}
nav.toc a{display:flex;justify-content:space-between;padding:5px 8px;border-radius:6px;
 color:var(--fg);text-decoration:none}
nav.toc a:hover{background:#f0f3f8}nav.toc a.active{background:#e6eef9;color:var(--accent);
 font-weight:600}nav.toc a small{color:var(--muted)}
main{padding:22px 30px 80px;max-width:1240px;min-width:0}
header.top h1{font-size:28px;margin:0 0 2px}header.top .sub{color:var(--muted);margin:0 0 16px}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:16px 20px;
 margin:0 0 20px;scroll-margin-top:10px}
h2{font-size:19px;margin:0 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:18px 0 8px}h3 small,h2 small{color:var(--muted);font-weight:400}
a{color:var(--accent)}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:#f0f2f6;position:sticky;top:0;z-index:1;font-weight:600}
tbody tr:nth-child(even){background:#fafbfd}
tfoot th,tfoot td{border-top:2px solid #c5cad3;font-weight:600;background:#f7f8fa}
table.num td:not(:first-child),table.num th:not(:first-child){text-align:right;
 font-variant-numeric:tabular-nums}
table.kv th{width:200px;background:#f7f8fa}
.mono,pre,.diff{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.small,small{font-size:12px}.note,.empty{color:var(--muted)}.ok{color:#2f7d32}
.logline{font-size:16px;font-style:italic;margin:0 0 10px}
blockquote{margin:8px 0;padding:8px 14px;border-left:4px solid var(--accent);background:#f5f8fc}
blockquote small{display:block;color:var(--muted);text-transform:uppercase;font-size:11px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(100px,1fr));gap:10px;
 margin:12px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:8px 12px;background:#fbfcfd}
.card small{display:block;color:var(--muted)}.card b{font-size:17px}
.badge{display:inline-block;border:1px solid #bbb;border-radius:10px;padding:0 7px;
 font-size:11px;margin:0 2px;background:#fff}
.badge.bad{border-color:#d62728;color:#d62728}.badge.cache{border-color:#1f77b4;color:#1f77b4}
.badge.hook{background:#fff3c4;border-color:#c9a227}.badge.cliffhanger{background:#fde2e2;
 border-color:#d62728}
.status{font-weight:700;padding:1px 8px;border-radius:10px;background:#eee}
.status.done{background:#d7f0d7;color:#1e6b1e}.status.failed{background:#fbd5d5;color:#a11}
.status.incomplete,.status.review{background:#fff0c2;color:#7a5a00}
.problems{color:#a11}
.swatch{display:inline-block;width:11px;height:11px;border-radius:3px;margin-right:6px;
 vertical-align:-1px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;margin:6px 0}
.legend .key{display:inline-block;width:24px;border-top:2.5px solid;vertical-align:middle;
 margin-right:6px}.legend .key.dash{border-top-style:dashed}
.legend .box{display:inline-block;width:14px;height:10px;border:2px solid;border-radius:3px;
 margin-right:5px;vertical-align:-1px}
.scroll{overflow:auto;max-height:78vh;border:1px solid var(--line);border-radius:8px}
.wf{font-size:11.5px;max-height:78vh;overflow-x:hidden;overflow-y:auto;
 border:1px solid var(--line);border-radius:8px}
.wf-row{display:flex;align-items:center;height:17px}
.wf-label{flex:0 0 200px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;
 padding:0 8px;text-align:right;color:#333}
.wf-track{position:relative;flex:1;height:100%;margin-right:14px}
.wf-row:hover{background:#f3f6fb}
.wf .bar{position:absolute;top:3px;height:11px;border-radius:2px;min-width:2px}
.wf .bar.failed{outline:2px solid #d62728}
.wf .bar.unfinished{background-image:repeating-linear-gradient(45deg,transparent 0 3px,
 rgba(255,255,255,.65) 3px 6px)}
.wf-axis{position:sticky;top:0;z-index:2;background:#fff;height:22px;
 border-bottom:1px solid var(--line)}
.wf-axis .wf-label{color:var(--muted)}
.wf-axis i{position:absolute;top:0;font-style:normal;color:var(--muted);height:22px;
 border-left:1px solid #c5cad3;padding-left:3px;line-height:22px;white-space:nowrap}
details.wf-agent{margin:0}
.wf-lane{height:26px;cursor:pointer;list-style:none;border-top:1px solid var(--line);
 background:#f8f9fb;font-weight:600}
.wf-lane::-webkit-details-marker{display:none}
.wf-lane .wf-label::before{content:"▸ ";color:var(--muted)}
details[open]>.wf-lane .wf-label::before{content:"▾ "}
.wf-lane .wf-label small{color:var(--muted);font-weight:400}
.wf-lane .bar{top:6px;height:14px;opacity:.75}
svg.plan{display:block;background:#fcfcfd}
svg.plan text{font:11px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;fill:#1d2330}
svg.plan .edges path{fill:none;stroke:#8d96a6;stroke-width:1;opacity:.55}
svg.plan g:hover rect{fill-opacity:.45}
details{margin:6px 0}summary{cursor:pointer}
details.call{border:1px solid var(--line);border-radius:6px;margin:4px 0;background:#fff}
details.call>summary{padding:4px 10px}details.call[open]>summary{background:#f3f6fb;
 border-bottom:1px solid var(--line)}
details.call .msg{padding:4px 10px}.msg b{font-size:12px;color:var(--muted)}
.msg.err b{color:#d62728}
.seq{color:var(--muted);font-size:12px}
pre{white-space:pre-wrap;word-break:break-word;max-height:420px;overflow:auto;
 background:#f6f8fa;padding:8px 10px;border-radius:6px;margin:4px 0}
.tools{display:flex;gap:6px;align-items:center;margin:4px 0 8px}
.tools input{flex:0 1 320px;padding:5px 8px;border:1px solid #c9ced6;border-radius:6px}
.tools button{padding:4px 10px;border:1px solid #c9ced6;border-radius:6px;background:#fff;
 cursor:pointer}
.sev{padding:0 6px;border-radius:8px;font-size:11px;background:#eee}
.sev.high{background:#fbd5d5;color:#a11}.sev.medium{background:#ffe9c2;color:#8a5300}
.sev.low{background:#e6eef9;color:#2d5a94}
td.quote{font-style:italic}
details.round,details.revision{border:1px solid var(--line);border-radius:6px;padding:4px 10px}
.diff{border:1px solid var(--line);border-radius:6px;overflow:auto;max-height:520px;
 white-space:pre-wrap;word-break:break-word;margin:8px 0}
.diff div{padding:0 8px}.diff .del{background:#ffebe9}.diff .add{background:#e6ffec}
.diff .del mark{background:#ffb8b0}.diff .add mark{background:#9fefb5}
.diff mark{color:inherit;border-radius:2px}
.diff .hunk{background:#ddf4ff;color:#57606a}.diff .ctx{color:#57606a}
.curves{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:0 24px}
figure.curve{margin:4px 0 14px}figure.curve svg{max-width:100%;height:auto}
.curve .grid{stroke:#e6e8ee}.curve .zero{stroke:#a9b0bd}.curve .tick{font-size:11px;
 fill:#5b6475}
.board{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px}
figure.shot{margin:0;border:1px solid var(--line);border-radius:8px;overflow:hidden;
 background:#fff}
figure.shot img{display:block;width:100%;height:auto;background:#222}
figure.shot figcaption{padding:6px 8px;font-size:12px}
figure.shot q{display:block;font-style:italic;margin-top:4px;color:#333}
.noframe{display:flex;align-items:center;justify-content:center;aspect-ratio:9/16;
 background:#eceef2;color:var(--muted);width:100%}
.episodes{display:flex;flex-wrap:wrap;gap:24px}.episode{width:290px}
.episode video{width:270px;aspect-ratio:9/16;border-radius:8px;background:#000}
.episode .noframe{width:270px;aspect-ratio:auto;height:90px;border-radius:8px}
ul.versions li{margin-bottom:10px}ul.files{columns:2}
@media (max-width:820px){.layout{display:block}nav.toc{position:static;height:auto}
 main{padding:12px}ul.files{columns:1}}
@media print{nav.toc{display:none}.layout{display:block}details{open:true}}
"""

JS = """(function(){
document.documentElement.setAttribute('data-js','ready');
var links=document.querySelectorAll('nav.toc a'),byId={};
links.forEach(function(a){byId[a.getAttribute('href').slice(1)]=a;});
if('IntersectionObserver' in window){var io=new IntersectionObserver(function(es){
es.forEach(function(e){if(e.isIntersecting){links.forEach(function(a){a.classList.remove('active');});
var a=byId[e.target.id];if(a){a.classList.add('active');}}});},{rootMargin:'0px 0px -75% 0px'});
document.querySelectorAll('main section').forEach(function(s){io.observe(s);});}
var f=document.getElementById('call-filter');
if(f){f.addEventListener('input',function(){var q=f.value.toLowerCase();
document.querySelectorAll('details.call').forEach(function(d){
d.style.display=(d.getAttribute('data-search')||'').indexOf(q)<0?'none':'';});});}
document.querySelectorAll('button[data-toggle]').forEach(function(b){
b.addEventListener('click',function(){var open=b.getAttribute('data-toggle')==='open';
document.querySelectorAll('details.call').forEach(function(d){
if(d.style.display!=='none'){d.open=open;}});});});
})();"""


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(JS.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; img-src 'self' file: data:; media-src 'self' file:; "
        f"style-src 'unsafe-inline'; script-src 'sha256-{digest}'; base-uri 'none'; "
        "form-action 'none'"
    )


def _plan_section(data: RunData) -> str:
    owners = sorted({str(d.get("owner") or "-") for d in data.nodes.values()})
    agents = "".join(
        f'<span><span class="swatch" style="background:{agent_colour(a)}"></span>{esc(a)}</span>'
        for a in owners
    )
    statuses = "".join(
        f'<span><i class="box" style="border-color:{c}"></i>{esc(s)}</span>'
        for s, c in STATUS_COLOURS.items()
    )
    if len(data.nodes) > FULL_LIMIT:
        return f'<div class="legend">{agents}</div><div class="legend">{statuses}</div>' + (
            collapsed_section(data)
        )
    return (
        f'<p class="note">{len(data.nodes)} nodes, {len(data.edges)} edges. Columns are '
        'topological layers (an edge reads "is made from", left to right); fill is the '
        "owning agent, outline the status, dashed edges only order work. Hover a node for "
        f'details.</p><div class="legend">{agents}</div><div class="legend">{statuses}</div>'
        f'<div class="scroll">{plan_svg(data)}</div><details><summary>Mermaid source'
        f"</summary><pre>{esc(mermaid(data))}</pre></details>"
    )


def _timeline_section(data: RunData) -> str:
    return (
        '<p class="note">One lane per agent (click to open or close its nodes), then one row '
        "per node; a bar spans node_started to node_done (red outline: failed; striped: "
        "never finished). Hover a bar for its times.</p>" + waterfall(spans(data))
    )


def _calls_block(data: RunData) -> str:
    return (
        agents_section(data)
        + "<h3>Tool calls</h3>"
        + tools_section(data)
        + "<h3>Model calls</h3>"
        + calls_section(data)
    )


SECTIONS: list[tuple[str, str, Callable[[RunData], str]]] = [
    ("overview", "Overview", overview),
    ("timeline", "Timeline", _timeline_section),
    ("plan", "Plan graph", _plan_section),
    ("agents", "Agents and calls", _calls_block),
    ("critique", "Critique", critique_section),
    ("emotion", "Emotional curves", emotion_section),
    ("storyboard", "Storyboard", storyboard_section),
    ("episodes", "Episodes", player_section),
    ("revisions", "Revisions", revisions_section),
    ("files", "Files", files_section),
]


def _count(key: str, data: RunData) -> str:
    counts = {
        "agents": len(data.of_type("llm_call")),
        "critique": len(data.of_type("critique")),
        "storyboard": len(data.ids("shot")),
        "episodes": len(data.ids("cut")),
        "plan": len(data.nodes),
        "revisions": len(data.of_type("human_note")) + len(data.versions),
    }
    return str(counts[key]) if counts.get(key) else ""


def render_report(data: RunData) -> str:
    """The whole page as a string; a section that fails says so instead of breaking the page."""
    body, toc = [], []
    for key, title, build in SECTIONS:
        try:
            content = build(data)
        except Exception as exc:  # a malformed payload must not cost the reader the report
            content = (
                f'<p class="problems">This section could not be drawn: '
                f"{esc(type(exc).__name__)}: {esc(exc)}</p>"
            )
        body.append(f'<section id="{key}"><h2>{esc(title)}</h2>{content}</section>')
        toc.append(f'<a href="#{key}">{esc(title)} <small>{_count(key, data)}</small></a>')
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(_csp())}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(data.title)} · reelwright</title><style>{CSS}</style></head><body>"
        f'<div class="layout"><nav class="toc" aria-label="contents"><div class="brand">'
        f'reelwright report</div>{"".join(toc)}</nav><main><header class="top">'
        f'<h1>{esc(data.title)}</h1><p class="sub">Run <span class="mono">{esc(data.run_id)}'
        f"</span> · {esc(data.status)} · report written {esc(stamp)}</p></header>"
        f"{''.join(body)}</main></div><script>{JS}</script></body></html>\n"
    )


def write_report(run_path: Path) -> Path:
    """Write report.html into the run folder (atomically) and return its path."""
    run_path = Path(run_path)
    out = run_path / "report.html"
    write_text_atomic(out, render_report(load_run(run_path)))
    out.chmod(0o644)  # the temp file was private; a report is meant to be opened and shared
    return out
