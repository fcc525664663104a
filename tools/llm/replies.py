"""Judging one raw reply: usable, damaged in transit, or wrong, and what to say back.

Every way a reply can be bad ends here as words: a cut-off or empty reply, a tool
call with broken arguments, a refusal, JSON that does not fit the schema, or a
value that fails the caller's own check. The raw text is kept for the repair
prompt and the event log; no library exception escapes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from reelwright.prompts import render

T = TypeVar("T", bound=BaseModel)
Validator = Callable[[Any], list[str]]

CUT_OFF = "the reply stops before the JSON is complete (cut off)"
EMPTY = "the reply was empty"
BROKEN_TOOL_ARGS = "the tool call's arguments were not complete JSON"
LENGTH = "the reply was cut off at the token limit; write less"


@dataclass
class Verdict(Generic[T]):
    """What one reply was worth.

    `damaged`: cut off or empty, most likely in transit or at a length limit, so
    asking again is cheap and usually works; anything else is the model's own mistake.
    `near_miss`: fits the schema but fails the caller's check.
    """

    value: T | None = None
    problems: list[str] = field(default_factory=list)
    damaged: bool = False
    near_miss: T | None = None


def judge(
    text: str,
    schema: type[T],
    check: Validator | None,
    *,
    problem: str | None = None,
    truncated: bool = False,
) -> Verdict[T]:
    if truncated:
        return Verdict(problems=[LENGTH], damaged=True)
    if problem:
        return Verdict(problems=[problem], damaged=problem in (EMPTY, BROKEN_TOOL_ARGS))
    body = strip_fences(text)
    if not body:
        return Verdict(problems=[EMPTY], damaged=True)
    try:
        value = schema.model_validate_json(body)
    except ValidationError as exc:
        errors = exc.errors()[:12]
        if any(e.get("type") == "json_invalid" for e in errors):
            if _cut_off(body):
                return Verdict(problems=[CUT_OFF], damaged=True)
            return Verdict(problems=["the reply is not valid JSON: " + _json_error(body)])
        return Verdict(problems=[_describe(err) for err in errors])
    problems = check(value) if check else []
    if problems:
        return Verdict(problems=problems, near_miss=value)
    return Verdict(value=value)


def repair_message(problems: list[str]) -> str:
    """The user turn that shows the model what was wrong (prompts/llm_repair.txt)."""
    listed = "\n".join(f"- {p}" for p in problems[:12])
    return render("llm_repair", problems=listed)[1]


def in_words(problems: list[str], reply: str) -> str:
    """What came back, for a person reading a failed node."""
    seen = reply.strip().replace("\n", " ")
    shown = f"{seen[:80]!r}{'...' if len(seen) > 80 else ''}" if seen else "nothing"
    return f"{'; '.join(problems[:3])[:300]} (the last reply began {shown})"


def strip_fences(text: str) -> str:
    text = text.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text.strip()


def as_json(text: str) -> Any:
    """The reply for the event log: parsed where it parses, else the raw text."""
    try:
        return json.loads(strip_fences(text))
    except (json.JSONDecodeError, ValueError):
        return text


def _cut_off(body: str) -> bool:
    """JSON that would parse if only it went on: it started right and ran out."""
    if not body.startswith(("{", "[")):
        return False
    try:
        json.loads(body)
    except json.JSONDecodeError as exc:
        return exc.pos >= len(body.rstrip()) - 1 or "Unterminated string" in exc.msg
    return False


def _json_error(body: str) -> str:
    try:
        json.loads(body)
    except json.JSONDecodeError as exc:
        return f"{exc.msg} at character {exc.pos}"
    return "it does not fit the expected shape"


def _describe(err: Any) -> str:
    where = ".".join(str(p) for p in err.get("loc", ())) or "(root)"
    return f"{where}: {err.get('msg', 'invalid')}"
