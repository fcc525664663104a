"""What a run (or what is left of it) will cost on its paid backends, before anything is sent.

Nodes the plan already knows are priced one by one (a clip by its shot's length rounded
to what the service offers, a line by its characters, a frame or sheet by the image).
Episodes not planned yet are projected from the settings and marked as a projection.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from pydantic import BaseModel

from reelwright import ids
from reelwright.plan import Plan
from reelwright.settings import RunSettings
from reelwright.spending import APPROVED, hosted_video, paid_kinds, waiting
from reelwright.tools.hosted import pricing

PROJECTED_SHOT_SECONDS = 2.5  # the director's shots average 2 to 3 s at 30-90 s episodes
PROJECTED_CHARACTERS = 3
SPOKEN_SHARE = 0.7  # of an episode's seconds, spoken dialogue
CHARS_PER_SECOND = {"en": 14.0, "zh": 4.5}  # as the director times lines before voicing
SCENE_SECONDS = 20.0  # outlines give an episode about one scene per 20 s
LLM_TOKENS_PER_CALL = (3000, 800)  # prompt and reply tokens of a typical agent call


class Row(BaseModel):
    agent: str
    backend: str
    what: str
    count: int
    usd: float
    projected: bool = False


class Estimate(BaseModel):
    rows: list[Row] = []
    source: str = ""

    @property
    def total(self) -> float:
        return round(sum(r.usd for r in self.rows), 4)

    @property
    def projected(self) -> bool:
        return any(r.projected for r in self.rows)

    def lines(self) -> list[str]:
        """By agent and by backend, for the terminal."""
        if not self.rows:
            return ["estimate: no paid calls"]
        head = "estimate (projected: shots not planned yet)" if self.projected else "estimate"
        out = [f"{head}: ${self.total:.2f} on paid services, {self.source}"]
        for title, key in (("by agent", "agent"), ("by backend", "backend")):
            out.append(f"  {title}:")
            sums: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
            for r in self.rows:
                sums[getattr(r, key)][0] += r.count
                sums[getattr(r, key)][1] += r.usd
            for name, (count, usd) in sorted(sums.items()):
                out.append(f"    {name:<34}{int(count):>5} calls  ${usd:>8.2f}")
        return out


def _video(settings: RunSettings) -> pricing.VideoModel:
    return pricing.video_model(settings.video, settings.video_model)


def _model(spec: str) -> str:
    return spec.split(":", 1)[1]


def _line_text(plan: Plan, line_id: str) -> str:
    ref = ids.parse(line_id)
    scene = plan.payload(ids.scene(ref.episode, ref.scene)) or {}
    lines = scene.get("lines") or []
    return str(lines[ref.index - 1].get("text", "")) if ref.index <= len(lines) else ""


def _clip_seconds(plan: Plan, clip_id: str, lang: str) -> float:
    """The shot's length as the frame will time it: the planned length, or its lines' length."""
    from reelwright.tools.timing import timed_duration

    frame = (
        plan.payload(ids.as_kind(clip_id, "frame"))
        if plan.node(ids.as_kind(clip_id, "frame"))["status"] == "done"
        else None
    )
    if frame and frame.get("duration"):
        return float(frame["duration"])
    shot: dict[str, Any] = plan.payload(ids.as_kind(clip_id, "shot")) or {}
    if not shot:
        ref = ids.parse(clip_id)
        shotlist = plan.payload(ids.shotlist(ref.episode, ref.scene)) or {}
        shots = shotlist.get("shots") or []
        shot = shots[ref.index - 1] if ref.index <= len(shots) else {}
        shot["line_ids"] = [f"{ref.episode}.{ref.scene}.{n}" for n in shot.get("lines", [])]
    rate = CHARS_PER_SECOND.get(lang, 14.0)
    seconds = []
    for lid in shot.get("line_ids", []):
        line_id = f"line:{lid}"
        done = line_id in plan and plan.node(line_id)["status"] == "done"
        voiced = plan.payload(line_id) if done else None
        text = _line_text(plan, line_id) if line_id in plan else ""
        seconds.append(float(voiced["seconds"]) if voiced else max(1.0, len(text) / rate))
    return timed_duration(float(shot.get("duration", PROJECTED_SHOT_SECONDS)), seconds)


def estimate(settings: RunSettings, plan: Plan) -> Estimate:
    """The cost of every paid node not yet done, plus a projection for unplanned episodes."""
    kinds = paid_kinds(settings)
    rows = _llm_rows(settings, plan, _unplanned_episodes(settings, plan))
    if not kinds:
        return Estimate(rows=rows, source=pricing.source_line())
    todo = {k: [n for n in plan.ids(k) if plan.node(n)["status"] != "done"] for k in kinds}
    if "clip" in kinds:
        vm = _video(settings)
        usd = sum(
            vm.price(vm.billed_seconds(_clip_seconds(plan, c, settings.lang))) for c in todo["clip"]
        )
        rows.append(
            Row(
                agent="cinematographer",
                backend=f"video:{settings.video}:{vm.model}",
                what="clips",
                count=len(todo["clip"]),
                usd=usd,
            )
        )
    if "frame" in kinds:
        price = pricing.image_price("openai-images", _model(settings.images))
        n = len(todo["frame"]) + len(todo["character"])
        rows.append(
            Row(
                agent="cinematographer",
                backend=f"image:{settings.images}",
                what="frames and sheets",
                count=n,
                usd=n * price,
            )
        )
    if "line" in kinds:
        model = _model(settings.voices)
        chars = sum(len(_line_text(plan, n)) for n in todo["line"])
        usd = pricing.speech_price("openai-speech", model, chars)
        rows.append(
            Row(
                agent="editor",
                backend=f"tts:{settings.voices}",
                what="lines",
                count=len(todo["line"]),
                usd=usd,
            )
        )
    rows += _projected(settings, plan, kinds)
    return Estimate(rows=rows, source=pricing.source_line())


def _unplanned_episodes(settings: RunSettings, plan: Plan) -> int:
    """Episodes whose shot lists are not all made yet (their paid nodes do not exist)."""
    count = 0
    for ep in range(1, settings.episodes + 1):
        shotlists = [n for n in plan.ids("shotlist") if ids.episode_of(n) == ep]
        if not shotlists or any(plan.node(n)["status"] != "done" for n in shotlists):
            count += 1
    return count


def _llm_rows(settings: RunSettings, plan: Plan, episodes: int) -> list[Row]:
    """Model calls still to come for unplanned episodes, where the model has a price."""
    from reelwright.tools.llm import cost_of

    per_call = cost_of(settings.llm, *LLM_TOKENS_PER_CALL)
    if not per_call or not episodes:
        return []
    scenes = math.ceil(settings.episode_seconds / SCENE_SECONDS)
    calls = episodes * (1 + 2 * scenes + 2) + (0 if plan.ids("episode") else 1)
    return [Row(agent="writer, director, critics", backend=f"llm:{settings.llm}",
                what="model calls", count=calls, usd=calls * per_call, projected=True)]  # fmt: skip


def _projected(settings: RunSettings, plan: Plan, kinds: set[str]) -> list[Row]:
    episodes = _unplanned_episodes(settings, plan)
    if not episodes:
        return []
    shots = math.ceil(settings.episode_seconds / PROJECTED_SHOT_SECONDS) * episodes
    rows = []
    if "clip" in kinds and hosted_video(settings):
        vm = _video(settings)
        usd = shots * vm.price(vm.billed_seconds(PROJECTED_SHOT_SECONDS))
        rows.append(
            Row(
                agent="cinematographer",
                backend=f"video:{settings.video}:{vm.model}",
                what="clips",
                count=shots,
                usd=usd,
                projected=True,
            )
        )
    if "frame" in kinds:
        price = pricing.image_price("openai-images", _model(settings.images))
        sheets = 0 if plan.ids("character") else PROJECTED_CHARACTERS
        rows.append(
            Row(
                agent="cinematographer",
                backend=f"image:{settings.images}",
                what="frames and sheets",
                count=shots + sheets,
                usd=(shots + sheets) * price,
                projected=True,
            )
        )
    if "line" in kinds:
        rate = CHARS_PER_SECOND.get(settings.lang, 14.0)
        chars = int(settings.episode_seconds * SPOKEN_SHARE * rate) * episodes
        usd = pricing.speech_price("openai-speech", _model(settings.voices), chars)
        rows.append(
            Row(
                agent="editor",
                backend=f"tts:{settings.voices}",
                what="lines",
                count=int(shots * SPOKEN_SHARE),
                usd=usd,
                projected=True,
            )
        )
    return rows


def spend_gate(
    run: Any,
    plan: Plan,
    settings: RunSettings,
    ledger: Any,
    yes: bool,
    notify: Any = None,
) -> str:
    """Before the first paid call: "run" (agreed), "spend" (ask first), "budget" (over the cap),
    or "none" (no paid work waiting). Everything unpaid is done, so the estimate is exact."""
    if not waiting(plan, settings) or plan.g.graph.get(APPROVED):
        return "none"
    est = estimate(settings, plan)
    events = run.events()
    lines = est.lines()
    spent = ledger.spent if ledger is not None else 0.0
    budget = settings.budget_usd
    decision = "run" if yes else "spend"
    if budget is not None and spent + est.total > budget + 1e-9:
        decision = "budget"
        lines.append(
            f"the budget of ${budget:.2f} (spent so far ${spent:.2f}) does not cover "
            f"${est.total:.2f}: stopped before the first paid call. Resume with a larger "
            f"budget: reelwright resume {run.id} --budget {math.ceil(spent + est.total + 0.5)}"
        )
    if decision == "run":
        plan.g.graph[APPROVED] = round(est.total, 4)  # saved with the plan by the caller
    events.emit(
        "tool_call",
        agent="showrunner",
        tool="estimate",
        args={"decision": decision},
        seconds=0,
        result=f"${est.total:.4f}",
        estimate=est.model_dump(),
    )
    if notify is not None:
        notify(lines)
    return decision
