"""Documents for people, derived from the plan after every run: bible, scripts, shot
lists, continuity report. Files are rewritten only when their content changes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from reelwright import ids
from reelwright.events import EventLog
from reelwright.plan import Plan
from reelwright.settings import RunSettings
from reelwright.store import RunDir
from reelwright.tools.jsonio import write_text_atomic
from reelwright.tools.screenplay import Script, ScriptLine, ScriptScene, to_fountain, write_all
from reelwright.tools.tts import cast_voice

from .schemas import Bible, Outline, Scene, SceneBeat

CSV_COLUMNS = [
    "shot_id",
    "scene",
    "size",
    "angle",
    "move",
    "lens",
    "duration",
    "characters",
    "emotion",
    "dialogue",
    "transition",
    "hook",
    "cliffhanger",
    "prompt",
    "cut",
]


def _done(plan: Plan, node_id: str) -> bool:
    return node_id in plan and plan.node(node_id)["status"] == "done"


def write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    write_text_atomic(path, text)
    return True


def publish(run: RunDir, plan: Plan, settings: RunSettings, events: EventLog) -> list[str]:
    written: list[str] = []
    if not _done(plan, "series"):
        return written
    bible = Bible.model_validate(plan.payload("series"))
    if write_if_changed(run.path / "series.md", series_markdown(bible, plan, settings.lang)):
        written.append("series.md")
    scripts_final = _done(plan, "critique:series")
    for ep_id in plan.ids("episode"):
        ep = int(ep_id.split(":")[1])
        scene_ids = [s for s in plan.ids("scene") if s.startswith(f"scene:{ep}.")]
        if scripts_final and scene_ids and all(_done(plan, s) for s in scene_ids):
            written += write_script(run, plan, bible, ep, scene_ids, settings.lang)
        shot_ids = [s for s in plan.ids("shot") if s.startswith(f"shot:{ep}.")]
        if shot_ids and all(_done(plan, s) for s in shot_ids):
            text = shots_csv(plan, shot_ids)
            if write_if_changed(run.path / "shots" / f"episode_{ep:02d}.csv", text):
                written.append(f"shots/episode_{ep:02d}.csv")
    if scripts_final:
        written += write_continuity(run, plan)
    if written:
        events.emit("tool_call", agent="editor", tool="publish", args={}, seconds=0, result=written)
    return written


def series_markdown(bible: Bible, plan: Plan, lang: str = "en") -> str:
    out = [
        f"# {bible.title}",
        "",
        f"*{bible.logline}*",
        "",
        f"**Genre:** {bible.genre}  ",
        f"**Tone:** {bible.tone}",
        "",
        "## Characters",
        "",
    ]
    for index, c in enumerate(bible.characters):
        tts = cast_voice(index, c.gender, lang)
        out += [
            f"### {c.name} ({c.age}, {c.role})",
            "",
            f"- **Wants:** {c.want}",
            f"- **Flaw:** {c.flaw}",
            f"- **Secret:** {c.secret}",
            f"- **Look:** {c.look}",
            f"- **Voice:** {c.voice} (TTS: {tts.label})",
            "",
        ]
    if bible.relations:
        out += ["## Relations", ""]
        out += [f"- {r.a} is {r.b}'s {r.kind}" for r in bible.relations] + [""]
    out += ["## Locations", ""] + [f"- **{loc.name}:** {loc.look}" for loc in bible.locations]
    out += ["", "## Series arc", "", bible.arc, "", "## Episodes", ""]
    for ep_id in plan.ids("episode"):
        if _done(plan, ep_id):
            o = Outline.model_validate(plan.payload(ep_id))
            out += [
                f"### Episode {ep_id.split(':')[1]}: {o.title}",
                "",
                *craft_lines(o),
                f"- **Hook:** {o.hook}",
                f"- **Cliffhanger:** {o.cliffhanger}",
            ]
            out += [scene_line(i, b) for i, b in enumerate(o.scenes, 1)] + [""]
    return "\n".join(out) + "\n"


def craft_lines(outline: Outline) -> list[str]:
    """Which craft pattern, hook kind and cliffhanger kind the episode's plan used."""
    if not outline.pattern:
        return []
    return [
        f"- **Pattern:** {outline.pattern} (hook: {outline.hook_kind}, "
        f"cliffhanger: {outline.cliffhanger_kind})"
    ]


def scene_line(number: int, beat: SceneBeat) -> str:
    """A scene of the plan: its step in the pattern, its beat, when, and who is there."""
    step = f" *({beat.step})*" if beat.step else ""
    when = f"day {beat.day}, {beat.hour:02d}:00" if beat.feelings else ""
    who = ", ".join(beat.characters)
    tail = f" [{when}; {who}]" if when else ""
    return f"- Scene {number}: {beat.beat}{step}{tail}"


def write_script(
    run: RunDir, plan: Plan, bible: Bible, ep: int, scene_ids: list[str], lang: str
) -> list[str]:
    outline = Outline.model_validate(plan.payload(f"episode:{ep}"))
    scenes = []
    for sid in scene_ids:
        scene = Scene.model_validate(plan.payload(sid))
        heading = scene.heading if lang == "en" else _zh_heading(scene)
        scenes.append(
            ScriptScene(
                heading=heading,
                action=scene.action,
                lines=[
                    ScriptLine(
                        speaker=line.speaker, parenthetical=line.parenthetical, text=line.text
                    )
                    for line in scene.lines
                ],
            )
        )
    # a small model often repeats the series title in the episode's
    title = (
        outline.title
        if outline.title.startswith(bible.title)
        else f"{bible.title}: {outline.title}"
    )
    script = Script(title=title, episode=ep, lang=lang, scenes=scenes)
    folder = run.path / "script"
    stem = f"episode_{ep:02d}"
    new_text = _fountain_text(script)
    if (folder / f"{stem}.fountain").exists() and (folder / f"{stem}.fountain").read_text(
        encoding="utf-8"
    ) == new_text:
        return []
    write_all(script, folder, stem)
    return [f"script/{stem}.fountain", f"script/{stem}.fdx", f"script/{stem}.pdf"]


def _fountain_text(script: Script) -> str:
    return to_fountain(script)


def _zh_heading(scene: Scene) -> str:
    times = {"DAY": "日", "NIGHT": "夜", "DAWN": "晨", "DUSK": "黄昏"}
    return f"{'内景' if scene.interior else '外景'} {scene.location} - {times[scene.time_of_day]}"


def shots_csv(plan: Plan, shot_ids: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    in_cut = cut_lengths(plan, shot_ids)
    for sid in shot_ids:
        shot = plan.payload(sid)
        key = ids.parse(sid).key
        clip_id = ids.as_kind(sid, "clip")
        duration = plan.payload(clip_id)["duration"] if _done(plan, clip_id) else shot["duration"]
        note = ""
        if in_cut is not None:
            planned, duration = float(duration), in_cut.get(key, 0.0)
            if not duration:
                note = "dropped by the editor"
            elif abs(duration - planned) > 1e-3:
                note = f"trimmed from {planned:.3f}"
        lines = []
        for lid in shot["line_ids"]:
            line_id = f"line:{lid}"
            if line_id in plan and plan.payload(line_id):
                lines.append(f"{plan.payload(line_id)['speaker']}: {plan.payload(line_id)['text']}")
        writer.writerow(
            [
                shot["id"],
                shot["scene"],
                shot["size"],
                shot["angle"],
                shot["move"],
                shot["lens_mm"],
                f"{float(duration):.3f}",
                "; ".join(f"{c['name']} ({c['position']})" for c in shot["characters"]),
                shot["emotion"],
                " / ".join(lines),
                shot["transition"],
                int(shot["hook"]),
                int(shot["cliffhanger"]),
                shot["prompt"],
                note,
            ]
        )
    return buffer.getvalue()


def cut_lengths(plan: Plan, shot_ids: list[str]) -> dict[str, float] | None:
    """Each shot's seconds in the finished cut (the editor trims and drops), if cut."""
    if not shot_ids:
        return None
    cut_id = ids.cut(ids.episode_of(shot_ids[0]))
    if not _done(plan, cut_id):
        return None
    shots = (plan.payload(cut_id) or {}).get("shots")
    if not isinstance(shots, list):
        return None
    return {str(s["id"]): float(s["seconds"]) for s in shots}


def write_continuity(run: RunDir, plan: Plan) -> list[str]:
    report = plan.payload("critique:series") or {}
    rounds = report.get("rounds", [])
    data = {
        "rounds": [
            {
                k: r[k]
                for k in (
                    "round",
                    "found",
                    "fixed",
                    "remaining",
                    "by_kind",
                    "by_source",
                    "dropped_ungrounded",
                )
            }
            for r in rounds
        ],
        "dropped_ungrounded": report.get("dropped_ungrounded", 0),
        "remaining": report.get("final_issues", []),
    }
    md = ["# Continuity report", ""]
    for r in rounds:
        md += [
            f"## Round {r['round']}",
            "",
            f"Found {r['found']}, fixed since last round {r['fixed']}, "
            f"dropped ungrounded {r['dropped_ungrounded']}.",
            "",
        ]
        md += [
            f"- **{i['node']}** [{i['kind']}, {i['severity']}, {i['source']}] "
            f"“{i['evidence']}”: {i['fix']}"
            for i in r["issues"]
        ] or ["- no issues"]
        md.append("")
    written = []
    if write_if_changed(
        run.path / "continuity.json", json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    ):
        written.append("continuity.json")
    if write_if_changed(run.path / "continuity.md", "\n".join(md) + "\n"):
        written.append("continuity.md")
    return written
