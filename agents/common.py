"""What every agent shares: asking the model with a prompt file, and logging it."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from reelwright.errors import ModelBehaviorError
from reelwright.jsonio import file_sha256
from reelwright.prompts import render
from reelwright.scheduler import NodeContext
from reelwright.tools.llm import CallRecord, Message, Validator

from .schemas import Bible, Lang

T = TypeVar("T", bound=BaseModel)
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")

LANGUAGE_RULES = {
    "en": "Write everything in English.",
    "zh": "所有名字、对白和文字都用简体中文写 "
    "(write every name, line and text in Simplified Chinese).",
}


def language_rule(lang: Lang) -> str:
    return LANGUAGE_RULES[lang]


def ask(
    ctx: NodeContext,
    prompt: str,
    schema: type[T],
    *,
    check: Validator | None = None,
    max_tokens: int | None = None,
    fresh_tries: int = 1,
    keep_near_miss: bool = False,
    **variables: Any,
) -> T:
    """Render a prompt file, call the run's model, log every attempt as an llm_call.

    `fresh_tries` > 1 starts over with another seed when a reply and its repair both
    fail: a small model that painted itself into a corner rarely gets out by repair.
    `keep_near_miss` then accepts the last reply that fit the schema but failed the
    check (an invented minor character, say), logged, for the critique loop to flag.
    """
    variables.setdefault("node", ctx.node_id)
    system, user = render(prompt, **variables)
    messages = [Message(role="system", content=system), Message(role="user", content=user)]

    def log(record: CallRecord) -> None:
        ctx.emit("llm_call", prompt=prompt, **record.model_dump(mode="json"))

    llm = ctx.services.llm
    for attempt in range(fresh_tries):
        try:
            return llm.complete(  # type: ignore[no-any-return]
                messages,
                schema,
                check=check,
                max_tokens=max_tokens,
                on_call=log,
                seed_offset=attempt,
            )
        except ModelBehaviorError as exc:
            if attempt + 1 < fresh_tries:
                continue
            if keep_near_miss and isinstance(exc.near_miss, schema):
                ctx.emit(
                    "tool_call",
                    tool="accept_near_miss",
                    args={"prompt": prompt},
                    seconds=0,
                    result=str(exc)[:300],
                )
                return exc.near_miss
            raise
    raise AssertionError("unreachable")


def record_artifact(
    ctx: NodeContext,
    tool: str,
    args: dict[str, Any],
    out: Path,
    started: float,
    cost_usd: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Log a tool call and return the node's payload: the file's path and content hash.

    The hash goes into the payload so a re-made file with new content makes what
    depends on it stale, and an identical one does not.
    """
    run_path: Path = ctx.services.run.path
    relative = str(out.relative_to(run_path))
    paid = {"cost_usd": round(cost_usd, 6)} if cost_usd else {}
    ctx.emit(
        "tool_call",
        tool=tool,
        args=args,
        seconds=round(time.monotonic() - started, 3),
        result=relative,
        **paid,
    )
    return {"path": relative, "sha256": file_sha256(out), **extra, **paid}


def bible_of(ctx: NodeContext) -> Bible:
    return Bible.model_validate(ctx.payload("series"))


def characters_brief(bible: Bible, names: list[str] | None = None) -> str:
    """One line per character: the slice of the bible a writer call needs."""
    rows = []
    for c in bible.characters:
        if names is None or c.name in names:
            rows.append(
                f"- {c.name}: {c.role}, {c.age}; wants {c.want}; flaw: {c.flaw}; "
                f"secret: {c.secret}; speaks: {c.voice}"
            )
    return "\n".join(rows)


def has_cjk(text: str) -> bool:
    return bool(CJK.search(text))


def language_problems(texts: list[str], lang: Lang, what: str) -> list[str]:
    """A Chinese run whose lines came back in English (small models do this) fails validation."""
    if lang != "zh":
        return []
    wrong = [t for t in texts if t.strip() and not has_cjk(t)]
    if wrong:
        return [f"{what} must be in Simplified Chinese, not English: {wrong[0][:60]!r}"]
    return []
