"""A large synthetic run for bench/bench_report.py, written through the real run files.

Report tests read real runs (tests/support/real_run.py); a real run of eight
episodes with a dozen shots a scene would take an hour to render, so the
benchmark builds one here instead. The plan is a real `Plan`, the log a real
`EventLog`, the settings a real `RunSettings` and the version folder a real
snapshot; only the clock is simulated (per-resource lanes, so the waterfall
looks like a scheduled run) and the story comes from the clean English fixture.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from reelwright import events as event_log
from reelwright.plan import Plan
from reelwright.settings import RunSettings
from reelwright.store import RunDir
from reelwright.versions import snapshot

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
_T0 = datetime(2025, 3, 1, 9, 0, 0, tzinfo=UTC)


class _Run:
    """The plan and the event log of a run being simulated, with its clock."""

    def __init__(self, run: RunDir) -> None:
        self.run = run
        self.plan = Plan()
        self.plan.g.graph.update(run=run.id)
        self.log = run.events()
        self.now = 0.0
        self.lanes = {r: [0.0] * n for r, n in _LANES.items()}
        self.end: dict[str, float] = {}

    @staticmethod
    def iso(t: float) -> str:
        return (_T0 + timedelta(seconds=t)).isoformat(timespec="milliseconds")

    @contextmanager
    def clock(self) -> Iterator[None]:
        """The event log stamps events with the simulated time instead of now."""
        with mock.patch.object(event_log, "now_iso", lambda: self.iso(self.now)):
            yield

    def emit(self, t: float, type: str, agent: str | None, node: str | None, **f: Any) -> int:
        self.now = t
        return self.log.emit(type, agent=agent, node=node, **f)

    def add(
        self,
        node_id: str,
        kind: str,
        owner: str,
        payload: Any,
        inputs: tuple[str, ...] | list[str] = (),
        order_only: tuple[str, ...] | list[str] = (),
    ) -> tuple[float, float]:
        ready = max([self.end.get(s, 0.0) for s in [*inputs, *order_only]] or [0.0])
        lanes = self.lanes[_RESOURCE[kind]]
        lane = min(range(len(lanes)), key=lambda i: lanes[i])
        start = max(ready, lanes[lane]) + 0.02
        end = start + _KIND_SECONDS[kind] * (1 + 0.15 * (len(self.plan) % 5))
        lanes[lane] = end
        self.end[node_id] = end
        self.plan.add(node_id, kind, owner, inputs, payload=payload)
        for source in order_only:
            self.plan.link(source, node_id, order_only=True)
        self.emit(start, "node_started", owner, node_id, kind=kind)
        return start, end

    def done(self, node_id: str, start: float, end: float) -> None:
        node = self.plan.node(node_id)
        seq = self.emit(
            end,
            "node_done",
            node["owner"],
            node_id,
            kind=node["kind"],
            seconds=round(end - start, 3),
            version=1,
        )
        node.update(
            status="done",
            version=1,
            made_by=[seq],
            started_at=self.iso(start),
            finished_at=self.iso(end),
            inputs_hash=self.plan.compute_inputs_hash(node_id),
        )

    def llm(self, t: float, agent: str, node: str, schema: str, prompt: str, reply: Any) -> None:
        text = json.dumps(reply, ensure_ascii=False)
        self.emit(
            t,
            "llm_call",
            agent,
            node,
            prompt=prompt,
            model="qwen2.5-coder-1.5b-instruct-q4_k",
            schema_name=schema,
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
    path: Path, *, episodes: int = 2, shots_per_scene: int = 3, frames: bool = True
) -> Path:
    """Write run.toml, plan.json, events.jsonl, frames and versions/v0 under path."""
    from support.fixtures_story import clean_story_en

    story = clean_story_en()
    bible = story.bible.model_dump(mode="json")
    path.mkdir(parents=True, exist_ok=True)
    run_dir = RunDir(path)
    settings = RunSettings(
        premise="A young fisherman battles the raging sea to save his mother",
        episodes=episodes,
        episode_seconds=60.0,
        llm="local",
    )
    run_dir.save_settings(settings)
    run = _Run(run_dir)
    with run.clock():
        _write(run, story, bible, episodes, shots_per_scene, frames)
    return path


def _write(
    run: _Run, story: Any, bible: dict[str, Any], episodes: int, shots: int, frames: bool
) -> None:
    settings = run.run.settings()
    run.emit(
        0.0,
        "run_started",
        None,
        None,
        premise=settings.premise,
        settings=settings.model_dump(mode="json"),
    )
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
            sid = f"scene:{ep}.{n}"
            payload = scene.model_dump(mode="json")
            s, e = run.add(sid, "scene", "writer", payload, ["series", f"episode:{ep}"])
            run.llm(e - 0.1, "writer", sid, "Scene", "writer_scene", payload)
            run.done(sid, s, e)
            scene_ids.append(sid)
    _critique(run, scene_ids)
    for sid in scene_ids:
        _shots(run, sid, shots, frames)
    total = 0.0
    for ep in range(1, episodes + 1):
        inputs = [n for n in run.plan.ids("line") if n.startswith(f"line:{ep}.")]
        order = [n for n in run.plan.ids("shotlist") if n.startswith(f"shotlist:{ep}.")]
        seconds = sum(
            run.plan.payload(n)["duration"]
            for n in run.plan.ids("shot")
            if n.startswith(f"shot:{ep}.")
        )
        cut = {
            "mp4": f"episode_{ep:02d}.mp4",
            "srt": f"episode_{ep:02d}.srt",
            "otio": f"episode_{ep:02d}.otio",
            "seconds": round(seconds, 3),
            "pacing": [{"kind": "length", "detail": f"{seconds:.1f}s against 60s"}],
        }
        s, e = run.add(f"cut:{ep}", "cut", "editor", cut, [f"episode:{ep}", *inputs], order)
        run.emit(
            e - 0.2,
            "critique",
            "editor",
            f"cut:{ep}",
            round=0,
            source="pacing",
            issues=cut["pacing"],
            found=1,
            fixed=0,
            remaining=1,
            dropped_ungrounded=0,
        )
        run.tool(e - 0.1, "editor", f"cut:{ep}", "ffmpeg:render", cut["mp4"])
        run.done(f"cut:{ep}", s, e)
        total = max(total, e)
    run.emit(total + 0.1, "run_done", None, None, status="done", failed=[], seconds=total)
    run.plan.save(run.run.plan_path)
    _revision(run, total + 60)


def _critique(run: _Run, scene_ids: list[str]) -> None:
    first, last = scene_ids[0], scene_ids[-1]
    issues = [
        {
            "node": first,
            "kind": "emotion_jump",
            "severity": "medium",
            "source": "code",
            "evidence": "Don't you dare talk about him.",
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
    before = run.plan.payload(first)
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
    run.plan.node(first)["payload"] = after
    run.emit(e - 0.2, "critique", "critics", "critique:series", **rounds[1])
    run.done("critique:series", s, e)


def _shot(n: int, names: list[str], scene: dict[str, Any]) -> dict[str, Any]:
    line_no = n if n <= len(scene["lines"]) else None
    who = names[(n - 1) % len(names)]
    return {
        "size": _SIZES[n % 5],
        "angle": "eye level",
        "move": _MOVES[n % 5],
        "lens_mm": 35 + 15 * (n % 3),
        "duration": 2.0 + (n % 3),
        "characters": [{"name": who, "position": "center"}],
        "description": f"{who} in {scene['location']}",
        "performance": "restrained",
        "emotion": "tension",
        "lines": [line_no] if line_no else [],
        "transition": "cut",
    }


def _shots(run: _Run, sid: str, count: int, frames: bool) -> None:
    key = sid.split(":")[1]
    scene = run.plan.payload(sid)
    names = scene["ledger"]["present"]
    shots = [_shot(n, names, scene) for n in range(1, count + 1)]
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
                run.run.path / rel,
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
        clip = {"path": f"clips/shot_{shot_id.replace('.', '_')}.mp4", "duration": shot["duration"]}
        s, e = run.add(f"clip:{shot_id}", "clip", "cinematographer", clip, [f"frame:{shot_id}"])
        run.tool(e - 0.05, "cinematographer", f"clip:{shot_id}", "video:animatic", clip["path"])
        run.done(f"clip:{shot_id}", s, e)


def _revision(run: _Run, t: float) -> None:
    """One person's note after the run: the run before it is snapshotted as revise does."""
    note = "make the mother his older sister"
    snapshot(run.run, 0, note)
    bible = json.loads(json.dumps(run.plan.payload("series")))
    bible["characters"][1]["role"] = "older sister"
    run.plan.node("series").update(payload=bible, version=2)
    run.plan.g.graph["version"] = 1
    run.emit(t, "human_note", "human", None, note=note, nodes=["series"], version=1)
    run.llm(t + 2, "showrunner", "series", "Edit", "showrunner", {"node": "series"})
    run.plan.save(run.run.plan_path)
