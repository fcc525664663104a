"""runs diff: what a revision changed, in words a person reads."""

from __future__ import annotations

import difflib
import json
from typing import Any

from reelwright.plan import Plan


def scene_text(payload: dict[str, Any]) -> list[str]:
    heading = (
        f"{'INT' if payload['interior'] else 'EXT'}. {payload['location']} - "
        f"{payload['time_of_day']}"
    )
    lines = [heading, payload["action"]]
    for line in payload["lines"]:
        paren = f" ({line['parenthetical']})" if line.get("parenthetical") else ""
        lines.append(f"{line['speaker']}{paren}: {line['text']}")
    return lines


def _shot_key(payload: dict[str, Any]) -> str:
    keep = {
        k: payload.get(k)
        for k in (
            "size",
            "angle",
            "move",
            "lens_mm",
            "duration",
            "characters",
            "description",
            "lines",
            "transition",
        )
    }
    return json.dumps(keep, sort_keys=True, ensure_ascii=False)


def diff_plans(old: Plan, new: Plan) -> list[str]:
    out: list[str] = []
    for kind, render in (
        ("series", lambda p: json.dumps(p, ensure_ascii=False, indent=1).splitlines()),
        ("episode", lambda p: json.dumps(p, ensure_ascii=False, indent=1).splitlines()),
        ("scene", scene_text),
    ):
        ids = sorted(set(old.ids(kind)) | set(new.ids(kind)))
        for node_id in ids:
            a = old.payload(node_id) if node_id in old else None
            b = new.payload(node_id) if node_id in new else None
            if a == b:
                continue
            before = render(a) if a else []
            after = render(b) if b else []
            out += list(
                difflib.unified_diff(
                    before, after, f"{node_id} (before)", f"{node_id} (after)", lineterm="", n=1
                )
            )
    old_shots = {n: old.payload(n) for n in old.ids("shot") if old.payload(n)}
    new_shots = {n: new.payload(n) for n in new.ids("shot") if new.payload(n)}
    for node_id in sorted(set(new_shots) - set(old_shots)):
        out.append(f"+ shot added    {node_id}: {new_shots[node_id]['description']}")
    for node_id in sorted(set(old_shots) - set(new_shots)):
        out.append(f"- shot removed  {node_id}: {old_shots[node_id]['description']}")
    for node_id in sorted(set(old_shots) & set(new_shots)):
        if _shot_key(old_shots[node_id]) != _shot_key(new_shots[node_id]):
            a, b = old_shots[node_id], new_shots[node_id]
            fields = [
                k
                for k in (
                    "size",
                    "angle",
                    "move",
                    "lens_mm",
                    "duration",
                    "description",
                    "characters",
                    "transition",
                )
                if a.get(k) != b.get(k)
            ]
            out.append(
                f"~ shot changed  {node_id}: "
                + "; ".join(f"{k} {a.get(k)!r} -> {b.get(k)!r}" for k in fields)
            )
    return out or ["no differences"]
