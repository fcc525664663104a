"""Figures of a finished run, read from its events.jsonl: per phase, per model call.

Shared by the run benchmarks (embedded, and the stub at a fixed latency).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

PHASES = {
    "bible": ("series",),
    "outlines": ("episode",),
    "scenes": ("scene",),
    "critique": ("critique",),
    "shot lists": ("shotlist",),
    "frames": ("character", "location", "shot", "frame", "clip"),
    "voices": ("line",),
    "render": ("cut",),
}


def read(run: Path) -> list[dict[str, Any]]:
    lines = (run / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def stamp(event: dict[str, Any]) -> float:
    return datetime.fromisoformat(event["ts"]).timestamp()


def union_seconds(spans: list[tuple[float, float]]) -> float:
    """Wall seconds covered by any of the spans (parallel nodes count once)."""
    total, end = 0.0, float("-inf")
    for a, b in sorted(spans):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


def node_spans(events: list[dict[str, Any]]) -> dict[str, list[tuple[float, float]]]:
    """Per node kind, the (start, end) of every node run that finished or failed."""
    started: dict[str, float] = {}
    spans: dict[str, list[tuple[float, float]]] = {}
    for e in events:
        if e["type"] == "node_started":
            started[e["node"]] = stamp(e)
        elif e["type"] in ("node_done", "node_failed") and e["node"] in started:
            spans.setdefault(e["kind"], []).append((started.pop(e["node"]), stamp(e)))
    return spans


def phase_seconds(events: list[dict[str, Any]]) -> dict[str, float]:
    spans = node_spans(events)
    return {
        phase: round(union_seconds([s for k in kinds for s in spans.get(k, [])]), 1)
        for phase, kinds in PHASES.items()
    }


def model_figures(events: list[dict[str, Any]]) -> dict[str, Any]:
    calls = [e for e in events if e["type"] == "llm_call" and not e.get("cache_hit")]
    tokens_in = sum(int(c.get("tokens_in") or 0) for c in calls)
    tokens_out = sum(int(c.get("tokens_out") or 0) for c in calls)
    gen_s = sum(float(c.get("latency_s") or 0) for c in calls)
    spans = [(stamp(c) - float(c["latency_s"]), stamp(c)) for c in calls]
    by_prompt: dict[str, dict[str, float]] = {}
    for c in calls:
        row = by_prompt.setdefault(c.get("prompt", "?"), {"calls": 0, "seconds": 0, "out": 0})
        row["calls"] += 1
        row["seconds"] = round(row["seconds"] + float(c["latency_s"]), 1)
        row["out"] += int(c.get("tokens_out") or 0)
    return {
        "model_calls": len(calls),
        "failed_replies": sum(1 for c in calls if c.get("error")),
        "tokens_in": tokens_in,
        "tokens_out": tokens_out,
        "tokens_per_s_out": round(tokens_out / gen_s, 2) if gen_s else None,
        "model_busy_s": round(union_seconds(spans), 1),
        "prompt_chars": sum(
            len(m.get("content", "")) for c in calls for m in c.get("messages", [])
        ),
        "by_prompt": by_prompt,
        "fallbacks": sum(
            1
            for e in events
            if e["type"] == "tool_call" and str(e.get("tool", "")).startswith("director:")
        ),
        "short_of_material": [
            i["node"]
            for e in events
            if e["type"] == "critique" and e.get("source") == "director"
            for i in e.get("issues", [])
            if i.get("kind") == "short_of_material"
        ],
    }


def first_line_start(run: Path, episode: int = 1) -> float | None:
    """When the first subtitle of an episode starts, in seconds (its first spoken line)."""
    srt = run / f"episode_{episode:02d}.srt"
    if not srt.is_file():
        return None
    for row in srt.read_text(encoding="utf-8").splitlines():
        if "-->" in row:
            h, m, s = row.split("-->")[0].strip().replace(",", ".").split(":")
            return round(int(h) * 3600 + int(m) * 60 + float(s), 2)
    return None
