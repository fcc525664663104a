"""The showrunner: a person's note becomes edits on named plan nodes.

It proposes which nodes to change (ids checked against the plan; an unknown id
is sent back to the model), then rewrites each named artifact following the
note. Nothing else is touched: the plan's hashes decide what is made again.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from reelwright import ids
from reelwright.plan import Plan
from reelwright.prompts import render
from reelwright.tools.llm import LLM, Message

from .common import language_rule
from .schemas import Bible, Character, Outline, Scene, Shot, ShotList

EDITABLE = ("series", "character", "episode", "scene", "shot")


class Change(BaseModel):
    node: str = Field(description="A node id from the list")
    instruction: str = Field(description="What to change in that node")


class ChangePlan(BaseModel):
    changes: list[Change] = Field(min_length=1, max_length=8)


def catalog(plan: Plan) -> str:
    """One line per editable node: enough for the model to pick, little enough to be cheap."""
    rows = []
    for node_id in plan.ids():
        node = plan.node(node_id)
        payload = node["payload"]
        if node["kind"] not in EDITABLE or not payload:
            continue
        if node["kind"] == "series":
            rows.append(f"series: bible of {payload['title']!r}")
        elif node["kind"] == "character":
            rows.append(f"{node_id}: {payload.get('name')} (look, voice)")
        elif node["kind"] == "episode":
            rows.append(f"{node_id}: {payload['title']}; ends: {payload['cliffhanger'][:60]}")
        elif node["kind"] == "scene":
            who = ", ".join(payload["ledger"]["present"])
            rows.append(f"{node_id}: {payload['location']} ({who}) {payload['action'][:70]}")
        elif node["kind"] == "shot":
            rows.append(f"{node_id}: {payload['size']} {payload['description'][:50]}")
    return "\n".join(rows)


def map_note(llm: LLM, plan: Plan, note: str, log: Any) -> list[Change]:
    """Ask which nodes the note touches; ids not in the plan are rejected and asked again."""
    system, user = render("showrunner_map", note=note, catalog=catalog(plan))

    def check(proposal: ChangePlan) -> list[str]:
        return [
            f"{c.node!r} is not a node id from the list"
            for c in proposal.changes
            if c.node not in plan or plan.node(c.node)["kind"] not in EDITABLE
        ]

    result = llm.complete(
        [Message(role="system", content=system), Message(role="user", content=user)],
        ChangePlan,
        check=check,
        on_call=log,
        tag="showrunner",
    )
    seen: dict[str, Change] = {}
    for change in result.changes:
        seen.setdefault(change.node, change)
    return list(seen.values())


def edit_target(plan: Plan, node_id: str) -> tuple[str, type[BaseModel], Any]:
    """Which node's payload an edit rewrites, its schema, and the current artifact."""
    kind = plan.node(node_id)["kind"]
    if kind == "shot":
        ref = ids.parse(node_id)
        shotlist = ids.shotlist(ref.episode, ref.scene)
        return shotlist, Shot, plan.payload(shotlist)["shots"][ref.index - 1]
    if kind == "character":
        bible = plan.payload(ids.SERIES)
        entry = next(c for c in bible["characters"] if ids.character(c["name"]) == node_id)
        return ids.SERIES, Character, entry
    schemas: dict[str, type[BaseModel]] = {"series": Bible, "episode": Outline, "scene": Scene}
    schema = schemas[kind]
    return node_id, schema, plan.payload(node_id)


def apply_edit(
    llm: LLM, plan: Plan, node_id: str, instruction: str, note: str, lang: str, log: Any
) -> str:
    """Rewrite one artifact following the note; returns the node whose payload changed."""
    target, schema, current = edit_target(plan, node_id)
    system, user = render(
        "showrunner_edit",
        note=note,
        instruction=instruction,
        artifact=json.dumps(current, ensure_ascii=False),
        language_rule=language_rule(lang),
    )
    revised = llm.complete(
        [Message(role="system", content=system), Message(role="user", content=user)],
        schema,
        on_call=log,
        tag=node_id,
    )
    new = revised.model_dump(mode="json")
    kind = plan.node(node_id)["kind"]
    if kind == "shot":
        shots = ShotList.model_validate(plan.payload(target))
        n = ids.parse(node_id).index
        old_lines = shots.shots[n - 1].lines
        shots.shots[n - 1] = Shot.model_validate({**new, "lines": old_lines})
        payload: Any = shots.model_dump(mode="json")
    elif kind == "character":
        bible = Bible.model_validate(plan.payload("series"))
        bible.characters = [
            Character.model_validate(new) if ids.character(c.name) == node_id else c
            for c in bible.characters
        ]
        payload = bible.model_dump(mode="json")
    else:
        payload = new
    node = plan.node(target)
    node["payload"] = payload
    node["version"] += 1
    return target
