"""What every agent shares: asking the model with a prompt file, and logging it."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from reelwright.context import AgentContext
from reelwright.errors import ModelBehaviorError, ModelUnavailable
from reelwright.failures import model_gave_up
from reelwright.prompts import fragment, render
from reelwright.tools.jsonio import file_sha256
from reelwright.tools.llm import CallRecord, Message, Validator

from .schemas import Bible

T = TypeVar("T", bound=BaseModel)
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def language_rule(lang: str) -> str:
    return fragment(f"language_rule_{lang}")


def ask(
    ctx: AgentContext,
    prompt: str,
    schema: type[T],
    *,
    check: Validator | None = None,
    max_tokens: int | None = None,
    fresh_tries: int = 1,
    keep_near_miss: bool = False,
    seed_offset: int = 0,
    tag: str | None = None,
    **variables: Any,
) -> T:
    """Render a prompt file, call the run's model, log every attempt as an llm_call.

    `fresh_tries` > 1 starts over with another seed when a reply and its repair both
    fail: a small model that painted itself into a corner rarely gets out by repair.
    `keep_near_miss` then accepts the last reply that fit the schema but failed the
    check (an invented minor character, say), logged, for the critique loop to flag.
    """
    system, user = render(prompt, **variables)
    messages = [Message(role="system", content=system), Message(role="user", content=user)]

    def log(record: CallRecord) -> None:
        ctx.emit("llm_call", prompt=prompt, **record.model_dump(mode="json"))

    llm = ctx.services.llm
    for attempt in range(fresh_tries):
        try:
            return llm.complete(
                messages,
                schema,
                check=check,
                max_tokens=max_tokens,
                on_call=log,
                seed_offset=seed_offset + attempt,
                tag=tag or ctx.node_id,
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
            raise _gave_up(ctx, exc, prompt, schema) from exc
        except ModelUnavailable as exc:
            raise _gave_up(ctx, exc, prompt, schema) from exc
    raise AssertionError("unreachable")


def _gave_up(
    ctx: AgentContext,
    error: ModelBehaviorError | ModelUnavailable,
    prompt: str,
    schema: type[BaseModel],
) -> ModelBehaviorError | ModelUnavailable:
    return model_gave_up(
        error,
        agent=ctx.agent,
        wanted=schema.__name__,
        prompt=prompt,
        model=ctx.services.llm.model,
        run_id=ctx.services.run.id,
    )


def record_artifact(
    ctx: AgentContext,
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


def bible_of(ctx: AgentContext) -> Bible:
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


def language_problems(texts: list[str], lang: str, what: str) -> list[str]:
    """A Chinese run whose lines came back in English (small models do this) fails validation."""
    if lang != "zh":
        return []
    wrong = [t for t in texts if t.strip() and not has_cjk(t)]
    if wrong:
        return [f"{what} must be in Simplified Chinese, not English: {wrong[0][:60]!r}"]
    return []
