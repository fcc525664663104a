"""A synthetic but schema-true run folder, for report tests, the benchmark and demos.

The story comes from the clean English fixture series, so ledgers, outlines and
critique payloads have the shapes the real agents write. Times are simulated
with per-resource lanes so the waterfall looks like a scheduled run.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
_KIND_SECONDS = {
    "series": 9.0,
    "character": 1.2,
    "location": 0.05,
    "episode": 6.0,
    "scene": 7.5,
    "critique": 14.0,
    "shotlist": 5.0,
    "shot": 0.05,
    "line": 0.8,
    "frame": 1.1,
    "clip": 2.4,
    "cut": 6.0,
}
_RESOURCE = {
    "series": "llm",
    "episode": "llm",
    "scene": "llm",
    "critique": "llm",
    "shotlist": "llm",
    "character": "image",
    "frame": "image",
    "clip": "video",
    "line": "tts",
    "cut": "ffmpeg",
    "location": "cpu",
    "shot": "cpu",
}
_LANES = {"llm": 2, "image": 2, "video": 2, "tts": 1, "ffmpeg": 1, "cpu": 2}
_SIZES = ["WS", "MCU", "CU", "MS", "ECU"]
_MOVES = ["push in", "static", "pan", "static", "pull out"]


class _Run:
    """Collects nodes, edges and events while the sample is simulated."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.t0 = datetime(2025, 3, 1, 9, 0, 0, tzinfo=UTC)
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.lanes = {r: [0.0] * n for r, n in _LANES.items()}
        self.end: dict[str, float] = {}

    def emit(self, t: float, type: str, agent: str | None, node: str | None, **f: Any) -> None:
        ts = (self.t0 + timedelta(seconds=t)).isoformat(timespec="milliseconds")
        self.events.append(
            {
                "ts": ts,
                "run": self.run_id,
                "seq": len(self.events) + 1,
                "type": type,
                "agent": agent,
                "node": node,
                **f,
            }
        )

    def add(
        self,
        node_id: str,
        kind: str,
        owner: str,
        payload: Any,
        inputs: tuple[str, ...] | list[str] = (),
        order_only: tuple[str, ...] | list[str] = (),
    ) -> tuple[float, float]:
        for src in inputs:
            self.edges.append({"source": src, "target": node_id, "order_only": False})
        for src in order_only:
            self.edges.append({"source": src, "target": node_id, "order_only": True})
        ready = max([self.end.get(s, 0.0) for s in [*inputs, *order_only]] or [0.0])
        lanes = self.lanes[_RESOURCE[kind]]
        lane = min(range(len(lanes)), key=lambda i: lanes[i])
        start = max(ready, lanes[lane]) + 0.02
        end = start + _KIND_SECONDS[kind] * (1 + 0.15 * (len(self.nodes) % 5))
        lanes[lane] = end
        self.end[node_id] = end
        iso = (self.t0 + timedelta(seconds=start)).isoformat(timespec="milliseconds")
        fin = (self.t0 + timedelta(seconds=end)).isoformat(timespec="milliseconds")
        self.nodes[node_id] = {
            "id": node_id,
            "kind": kind,
            "owner": owner,
            "status": "done",
            "version": 1,
            "payload": payload,
            "inputs_hash": "0" * 16,
            "made_by": [],
            "error": None,
            "started_at": iso,
            "finished_at": fin,
        }
        self.emit(start, "node_started", owner, node_id, kind=kind)
        return start, end

    def done(self, node_id: str, start: float, end: float) -> None:
        node = self.nodes[node_id]
        self.emit(
            end,
            "node_done",
            node["owner"],
            node_id,
            kind=node["kind"],
            seconds=round(end - start, 3),
            version=1,
        )
        node["made_by"] = [len(self.events)]

    def llm(self, t: float, agent: str, node: str, schema: str, prompt: str, reply: Any) -> None:
        text = json.dumps(reply, ensure_ascii=False)
        self.emit(
            t,
            "llm_call",
            agent,
            node,
            model="qwen2.5-coder-1.5b-instruct-q4_k",
            schema_name=schema,
            prompt=prompt,
            messages=[
                {"role": "system", "content": f"You are the {agent}. Reply in JSON."},
                {
                    "role": "user",
                    "content": f"Write the {schema} for {node}.\nContext: {text[:300]}",
                },
            ],
            response=reply,
            tokens_in=400 + len(text) // 8,
            tokens_out=len(text) // 4,
            latency_s=round(len(text) / 400, 2),
            cost_usd=None,
            cache_hit=False,
            attempt=1,
            error=None,
        )

    def tool(self, t: float, agent: str, node: str, tool: str, result: str) -> None:
        self.emit(
            t, "tool_call", agent, node, tool=tool, args={"node": node}, seconds=0.4, result=result
        )


def _frame_png(path: Path, shot_id: str, names: list[str], night: bool) -> None:
    """A small 9:16 storyboard-like frame: sky, ground, one coloured figure per character."""
    from PIL import Image, ImageDraw

    w, h = 180, 320
    img = Image.new("RGB", (w, h), (24, 32, 64) if night else (150, 190, 225))
    d = ImageDraw.Draw(img)
    d.rectangle((0, int(h * 0.62), w, h), fill=(40, 50, 60) if night else (120, 110, 90))
    colours = [(220, 60, 60), (60, 120, 220), (240, 170, 40), (70, 170, 90)]
    for i, name in enumerate(names):
        cx = int(w * (i + 1) / (len(names) + 1))
        c = colours[sum(map(ord, name)) % len(colours)]
        d.ellipse((cx - 14, 120, cx + 14, 148), fill=c)
        d.rectangle((cx - 18, 150, cx + 18, 230), fill=c)
        d.text((cx - 18, 234), name[:8], fill=(255, 255, 255))
    d.rectangle((0, 0, w, 18), fill=(0, 0, 0))
    d.text((4, 4), shot_id, fill=(255, 255, 255))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)


def make_sample_run(
    path: Path,
    *,
    episodes: int = 2,
    shots_per_scene: int = 3,
    frames: bool = True,
    hostile: bool = False,
    fail_clip: bool = False,
    review_gate: bool = False,
    max_events: int | None = None,
) -> Path:
    """Write plan.json, events.jsonl, run.toml, frames and one version folder under path.

    `hostile` plants markup in the premise, title, a line, an issue and a note;
    `fail_clip` fails the last clip (node_failed); `review_gate` logs a gate stop.
    """
    from support.fixtures_story import clean_story_en

    story = clean_story_en()
    bible = story.bible.model_dump(mode="json")
    premise = "A young fisherman battles the raging sea to save his mother"
    if hostile:
        premise += " " + HOSTILE
        bible["title"] += " " + HOSTILE
        bible["locations"].append({"name": "Cave " + HOSTILE, "look": HOSTILE})
    path.mkdir(parents=True, exist_ok=True)
    run = _Run(path.name)
    settings = {
        "premise": premise,
        "episodes": episodes,
        "episode_seconds": 60.0,
        "lang": "en",
        "llm": "local",
        "seed": 0,
        "critique_rounds": 2,
        "images": "storyboard",
        "video": "animatic",
    }
    run.emit(0.0, "run_started", None, None, premise=premise, settings=settings)
    s, e = run.add("series", "series", "writer", bible)
    run.llm(e - 0.1, "writer", "series", "Bible", "writer_bible", bible)
    run.done("series", s, e)
    for c in bible["characters"]:
        slug = "character:" + c["name"].lower().replace(" ", "-")
        s, e = run.add(slug, "character", "cinematographer", {"name": c["name"]}, ["series"])
        run.done(slug, s, e)
    for loc in bible["locations"]:
        slug = "location:" + loc["name"].lower().replace(" ", "-")
        s, e = run.add(slug, "location", "writer", loc, ["series"])
        run.done(slug, s, e)
    scene_ids: list[str] = []
    for ep in range(1, episodes + 1):
        view = story.episodes[(ep - 1) % len(story.episodes)]
        outline = view.outline.model_dump(mode="json")
        s, e = run.add(f"episode:{ep}", "episode", "writer", outline, ["series"])
        run.llm(e - 0.1, "writer", f"episode:{ep}", "Outline", "writer_outline", outline)
        run.done(f"episode:{ep}", s, e)
        for n, scene in enumerate(view.scenes.values(), 1):
            payload = scene.model_dump(mode="json")
            if hostile and n == 1:
                payload["lines"][0]["text"] = HOSTILE
            sid = f"scene:{ep}.{n}"
            s, e = run.add(sid, "scene", "writer", payload, ["series", f"episode:{ep}"])
            run.llm(e - 0.1, "writer", sid, "Scene", "writer_scene", payload)
            run.done(sid, s, e)
            scene_ids.append(sid)
    _critique(run, scene_ids, hostile)
    if review_gate:
        run.emit(run.end["critique:series"] + 0.01, "review_gate", None, None, gate="scripts")
    for sid in scene_ids:
        _shots(run, path, sid, shots_per_scene, frames)
    total = 0.0
    for ep in range(1, episodes + 1):
        inputs = [n for n in run.nodes if n.startswith(f"line:{ep}.")]
        order = [n for n in run.nodes if n.startswith(f"shotlist:{ep}.")]
        seconds = sum(
            run.nodes[n]["payload"]["duration"] for n in run.nodes if n.startswith(f"shot:{ep}.")
        )
        cut = {
            "mp4": f"episode_{ep:02d}.mp4",
            "srt": f"episode_{ep:02d}.srt",
            "otio": f"episode_{ep:02d}.otio",
            "seconds": round(seconds, 3),
            "pacing": [],
        }
        s, e = run.add(f"cut:{ep}", "cut", "editor", cut, [f"episode:{ep}", *inputs], order)
        run.emit(
            e - 0.2,
            "critique",
            "editor",
            f"cut:{ep}",
            round=0,
            source="pacing",
            issues=[{"kind": "length", "detail": f"{seconds:.1f}s against 60s"}],
            found=1,
            fixed=0,
            remaining=1,
            dropped_ungrounded=0,
        )
        run.tool(e - 0.1, "editor", f"cut:{ep}", "ffmpeg:render", cut["mp4"])
        run.done(f"cut:{ep}", s, e)
        total = max(total, e)
    failed: list[str] = []
    if fail_clip:
        last = [n for n in run.nodes if n.startswith("clip:")][-1]
        node = run.nodes[last]
        node.update(
            status="failed",
            payload=None,
            version=0,
            error="RuntimeError: ffmpeg exited with status 1",
        )
        done_event = next(e for e in run.events if e["type"] == "node_done" and e["node"] == last)
        done_event.update(type="node_failed", error=node["error"])
        for key in ("seconds", "version"):
            done_event.pop(key, None)
        failed.append(last)
    run.emit(
        total + 0.1,
        "run_done",
        None,
        None,
        status="failed" if failed else "done",
        failed=failed,
        seconds=round(total, 3),
    )
    _revision(run, path, total + 60, hostile)
    events = run.events[:max_events] if max_events else run.events
    plan = {
        "directed": True,
        "multigraph": False,
        "graph": {"run": run.run_id},
        "nodes": list(run.nodes.values()),
        "edges": run.edges,
    }
    (path / "plan.json").write_text(json.dumps(plan, ensure_ascii=False, indent=1), "utf-8")
    with (path / "events.jsonl").open("w", encoding="utf-8") as fh:
        for event in events:
            fh.write(json.dumps(event, ensure_ascii=False) + "\n")
    toml = "\n".join(f"{k} = {json.dumps(v)}" for k, v in settings.items())
    (path / "run.toml").write_text(
        f'[reelwright]\nversion = "0.1.0"\n\n[settings]\n{toml}\n', "utf-8"
    )
    return path


def _critique(run: _Run, scene_ids: list[str], hostile: bool) -> None:
    first, last = scene_ids[0], scene_ids[-1]
    evidence = HOSTILE if hostile else "Don't you dare talk about him."
    issues = [
        {
            "node": first,
            "kind": "emotion_jump",
            "severity": "medium",
            "source": "code",
            "evidence": evidence,
            "fix": "Give Kai a beat of silence before he snaps.",
        },
        {
            "node": last,
            "kind": "motivation",
            "severity": "low",
            "source": "critic",
            "evidence": "pays Rook",
            "fix": "Show where the money came from.",
        },
    ]
    rounds = [
        {
            "round": 1,
            "found": 2,
            "fixed": 0,
            "remaining": 2,
            "by_kind": {"emotion_jump": 1, "motivation": 1},
            "by_source": {"code": 1, "critic": 1},
            "dropped_ungrounded": 1,
            "issues": issues,
        },
        {
            "round": 2,
            "found": 0,
            "fixed": 2,
            "remaining": 0,
            "by_kind": {},
            "by_source": {},
            "dropped_ungrounded": 0,
            "issues": [],
        },
    ]
    report = {"rounds": rounds, "final_issues": [], "dropped_ungrounded": 1}
    s, e = run.add("critique:series", "critique", "critics", report, ["series", *scene_ids])
    run.llm(s + 3, "critics", "critique:series", "CriticReport", "critic", {"issues": [issues[1]]})
    run.emit(s + 4, "critique", "critics", "critique:series", **rounds[0])
    before = run.nodes[first]["payload"]
    after = json.loads(json.dumps(before))
    after["lines"][1]["parenthetical"] = "after a long silence"
    after["lines"][1]["text"] = "You'll get your money. Now go."
    run.emit(
        s + 8,
        "revision",
        "critics",
        "critique:series",
        round=1,
        target=first,
        before=json.dumps(before, ensure_ascii=False, indent=1),
        after=json.dumps(after, ensure_ascii=False, indent=1),
        issues=[issues[0]],
    )
    run.nodes[first]["payload"] = after
    run.emit(e - 0.2, "critique", "critics", "critique:series", **rounds[1])
    run.done("critique:series", s, e)


def _shots(run: _Run, path: Path, sid: str, count: int, frames: bool) -> None:
    key = sid.split(":")[1]
    scene = run.nodes[sid]["payload"]
    names = scene["ledger"]["present"]
    shots: list[dict[str, Any]] = []
    for n in range(1, count + 1):
        line_no = n if n <= len(scene["lines"]) else None
        shots.append(
            {
                "size": _SIZES[n % 5],
                "angle": "eye level",
                "move": _MOVES[n % 5],
                "lens_mm": 35 + 15 * (n % 3),
                "duration": 2.0 + (n % 3),
                "characters": [{"name": names[(n - 1) % len(names)], "position": "center"}],
                "description": f"{names[(n - 1) % len(names)]} in {scene['location']}",
                "performance": "restrained",
                "emotion": "tension",
                "lines": [line_no] if line_no else [],
                "transition": "cut",
            }
        )
    ep = key.split(".")[0]
    s, e = run.add(
        f"shotlist:{key}",
        "shotlist",
        "director",
        {"shots": shots},
        [sid, f"episode:{ep}"],
        ["critique:series"],
    )
    run.llm(e - 0.1, "director", f"shotlist:{key}", "ShotList", "director_shots", {"shots": shots})
    run.done(f"shotlist:{key}", s, e)
    for n, line in enumerate(scene["lines"], 1):
        lid = f"line:{key}.{n}"
        payload = {
            "path": f"audio/line_{key.replace('.', '_')}_{n}.wav",
            "seconds": 2.1,
            "speaker": line["speaker"],
            "text": line["text"],
        }
        s, e = run.add(lid, "line", "editor", payload, ["series", sid], ["critique:series"])
        run.tool(e - 0.05, "editor", lid, "tts:piper", payload["path"])
        run.done(lid, s, e)
    for n, shot in enumerate(shots, 1):
        shot_id = f"{key}.{n}"
        plan: dict[str, Any] = {
            **shot,
            "id": shot_id,
            "scene": key,
            "hook": key.endswith(".1") and n == 1,
            "cliffhanger": n == count,
            "line_ids": [f"{key}.{k}" for k in shot["lines"]],
            "prompt": f"{shot['description']}, storyboard",
            "location": scene["location"],
            "location_look": "",
            "interior": scene["interior"],
            "time_of_day": scene["time_of_day"],
            "mood_valence": 0.0,
            "look_problems": [],
        }
        s, e = run.add(f"shot:{shot_id}", "shot", "cinematographer", plan, [f"shotlist:{key}"])
        run.done(f"shot:{shot_id}", s, e)
        rel = f"frames/shot_{shot_id.replace('.', '_')}.png"
        if frames:
            _frame_png(
                path / rel,
                shot_id,
                [c["name"] for c in shot["characters"]],
                scene["time_of_day"] in ("NIGHT", "DUSK"),
            )
        lines = [f"line:{k}" for k in plan["line_ids"]]
        s, e = run.add(
            f"frame:{shot_id}",
            "frame",
            "cinematographer",
            {"path": rel, "duration": shot["duration"]},
            [f"shot:{shot_id}", *lines],
        )
        run.tool(e - 0.05, "cinematographer", f"frame:{shot_id}", "image:storyboard", rel)
        run.done(f"frame:{shot_id}", s, e)
        clip: dict[str, Any] = {
            "path": f"clips/shot_{shot_id.replace('.', '_')}.mp4",
            "duration": shot["duration"],
        }
        s, e = run.add(f"clip:{shot_id}", "clip", "cinematographer", clip, [f"frame:{shot_id}"])
        run.tool(e - 0.05, "cinematographer", f"clip:{shot_id}", "video:animatic", clip["path"])
        run.done(f"clip:{shot_id}", s, e)


def _revision(run: _Run, path: Path, t: float, hostile: bool) -> None:
    """One human note after the run; the run before it is kept in versions/v0 (as revise does)."""
    note = "make the mother his older sister" + (" " + HOSTILE if hostile else "")
    version = path / "versions" / "v0"
    if version.exists():
        shutil.rmtree(version)
    version.mkdir(parents=True)
    old = {
        "directed": True,
        "multigraph": False,
        "graph": {},
        "nodes": [dict(n) for n in run.nodes.values()],
        "edges": run.edges,
    }
    (version / "plan.json").write_text(json.dumps(old, ensure_ascii=False), "utf-8")
    (version / "note.txt").write_text(note, "utf-8")
    bible = json.loads(json.dumps(run.nodes["series"]["payload"]))
    bible["characters"][1]["role"] = "older sister"
    run.nodes["series"]["payload"] = bible
    run.nodes["series"]["version"] = 2
    run.emit(t, "human_note", "human", None, note=note, nodes=["series"], version=1)
    run.llm(t + 2, "showrunner", "series", "Edit", "showrunner", {"node": "series"})
