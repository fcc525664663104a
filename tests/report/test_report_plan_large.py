"""The plan-graph section of an 80-episode run: episodes drawn first, each one on demand."""

from __future__ import annotations

import re
from pathlib import Path

from reelwright.report import render_report
from reelwright.report.data import RunData
from reelwright.report.plan import FULL_LIMIT, collapsed, collapsed_section


def series_data(episodes: int, tmp_path: Path) -> RunData:
    """A drama-shaped graph of about 65 nodes an episode, as the wiring makes it."""
    data = RunData(path=tmp_path, run_id="long")
    nodes, edges = data.nodes, data.edges

    def add(node: str, kind: str, owner: str, *inputs: str, order_only: bool = False) -> None:
        nodes[node] = {"id": node, "kind": kind, "owner": owner, "status": "done", "version": 1}
        edges.extend((src, node, order_only) for src in inputs)

    add("series", "series", "writer")
    add("character:lin-hai", "character", "cinematographer", "series")
    add("critique:series", "critique", "critics")
    for ep in range(1, episodes + 1):
        add(f"episode:{ep}", "episode", "writer", "series")
        add(f"cut:{ep}", "cut", "editor", f"episode:{ep}")
        for sc in range(1, 4):
            scene = f"scene:{ep}.{sc}"
            add(scene, "scene", "writer", "series", f"episode:{ep}")
            edges.append((scene, "critique:series", False))
            add(f"shotlist:{ep}.{sc}", "shotlist", "director", scene)
            edges.append(("critique:series", f"shotlist:{ep}.{sc}", True))
            for n in range(1, 5):
                add(f"line:{ep}.{sc}.{n}", "line", "editor", scene)
                edges.append((f"line:{ep}.{sc}.{n}", f"cut:{ep}", False))
            for n in range(1, 6):
                key = f"{ep}.{sc}.{n}"
                add(f"shot:{key}", "shot", "cinematographer", f"shotlist:{ep}.{sc}")
                add(f"frame:{key}", "frame", "cinematographer", f"shot:{key}")
                add(f"clip:{key}", "clip", "cinematographer", f"frame:{key}")
                edges.append((f"clip:{key}", f"cut:{ep}", False))
    if "shot:7.2.3" in nodes:
        nodes["shot:7.2.3"]["status"] = "failed"
    return data


def test_a_long_series_is_drawn_as_episodes_with_each_one_on_demand(tmp_path: Path) -> None:
    data = series_data(80, tmp_path)
    assert len(data.nodes) > 5000
    overview = collapsed(data)
    # two boxes an episode (script, production) and the few nodes of no episode
    assert len(overview.nodes) == 80 * 2 + 3
    assert overview.nodes["episode 07 production (61)"]["status"] == "failed"
    assert overview.nodes["episode 08 production (61)"]["status"] == "done"
    # script -> critique -> production: the overview has no cycle through the critique
    assert ("episode 03 script (4)", "critique:series", False) in overview.edges
    assert ("critique:series", "episode 03 production (61)", True) in overview.edges

    html = collapsed_section(data)
    assert html.count("<details>") == 80
    opened = re.search(r"<summary>Episode 7 .*?</details>", html, re.S)
    assert opened is not None and "shot:7.2.3" in opened.group(0)
    assert "shot:8.1.1" not in opened.group(0)
    assert len(html) < 6_000_000  # about 60 KB an episode


def test_the_report_collapses_only_past_the_limit(tmp_path: Path) -> None:
    small = series_data(3, tmp_path)
    assert len(small.nodes) < FULL_LIMIT
    assert "too many to draw at once" not in render_report(small)
    page = render_report(series_data(80, tmp_path))
    assert "too many to draw at once" in page and "Episode 80" in page
