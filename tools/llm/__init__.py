"""One function from (messages, pydantic schema) to a validated object.

Backends only turn messages into raw text; this module owns validation, the
repair retry, backoff on transient errors, the response cache and accounting.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, ValidationError
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from reelwright.errors import ModelBehaviorError, ModelUnavailable
from reelwright.jsonio import stable_hash, write_json_atomic
from reelwright.tools.hosted.pricing import llm_prices

T = TypeVar("T", bound=BaseModel)

Role = Literal["system", "user", "assistant"]


class Message(BaseModel):
    role: Role
    content: str


class GenerationSettings(BaseModel):
    temperature: float = 0.7
    max_tokens: int = 900
    seed: int = 0


class RawReply(BaseModel):
    """What a backend returns: the text and what it cost."""

    text: str
    tokens_in: int = 0
    tokens_out: int = 0
    truncated: bool = False
    model: str = ""


class CallRecord(BaseModel):
    """One model call as the event log stores it."""

    model: str
    schema_name: str
    messages: list[Message]
    response: Any = None
    tokens_in: int = 0
    tokens_out: int = 0
    latency_s: float = 0.0
    cost_usd: float | None = None
    cache_hit: bool = False
    attempt: int = 1
    error: str | None = None


class TransientModelError(Exception):
    """A timeout, 429, 5xx or dropped connection: worth retrying after a wait."""


class ChatBackend(Protocol):
    """A provider: turns messages into JSON text that should fit the schema."""

    name: str
    concurrency: int

    def generate(
        self, messages: list[Message], schema: type[BaseModel], settings: GenerationSettings
    ) -> RawReply: ...


# Prices per million tokens (input, output), where known: the one price table, prices.json.
PRICES: dict[str, tuple[float, float]] = llm_prices()


def cost_of(model: str, tokens_in: int, tokens_out: int) -> float | None:
    price = PRICES.get(model.split(":", 1)[-1].split("/")[-1])  # "openai:gpt-4o-mini" too
    if price is None:
        return 0.0 if model.startswith(("local", "fake")) else None
    return round((tokens_in * price[0] + tokens_out * price[1]) / 1_000_000, 6)


class ResponseCache:
    """Replies stored on disk, keyed by the whole request: a repeat costs no call."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def key(
        self,
        model: str,
        messages: list[Message],
        schema: type[BaseModel],
        settings: GenerationSettings,
    ) -> str:
        return stable_hash(
            {
                "model": model,
                "messages": [m.model_dump() for m in messages],
                "schema": schema.model_json_schema(),
                "settings": settings.model_dump(),
            }
        )

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> RawReply | None:
        path = self._path(key)
        if not path.exists():
            return None
        try:
            return RawReply.model_validate_json(path.read_text(encoding="utf-8"))
        except (ValidationError, OSError):
            return None

    def put(self, key: str, reply: RawReply) -> None:
        write_json_atomic(self._path(key), reply.model_dump())


Validator = Callable[[Any], list[str]]


class LLM:
    """The model seam every agent uses; one instance per run."""

    def __init__(
        self,
        backend: ChatBackend,
        *,
        cache: ResponseCache | None = None,
        on_call: Callable[[CallRecord], None] | None = None,
        settings: GenerationSettings | None = None,
        transient_attempts: int = 4,
        backoff_base: float = 1.0,
        backoff_max: float = 20.0,
    ) -> None:
        self.backend = backend
        self.cache = cache
        self.on_call = on_call or (lambda record: None)
        self.settings = settings or GenerationSettings()
        self.transient_attempts = transient_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.calls_made = 0

    @property
    def model(self) -> str:
        return self.backend.name

    def complete(
        self,
        messages: list[Message],
        schema: type[T],
        *,
        check: Validator | None = None,
        max_tokens: int | None = None,
        on_call: Callable[[CallRecord], None] | None = None,
        seed_offset: int = 0,
    ) -> T:
        """Ask, validate, and on failure ask once more showing the model its error."""
        update: dict[str, int] = {"seed": self.settings.seed + seed_offset}
        if max_tokens:
            update["max_tokens"] = max_tokens
        settings = self.settings.model_copy(update=update)
        report = on_call or self.on_call
        convo = list(messages)
        errors: list[str] = []
        near_miss: T | None = None
        for attempt in (1, 2):
            reply, record = self._ask(convo, schema, settings, attempt)
            value, errors, miss = _parse(reply, schema, check)
            near_miss = miss or near_miss
            record.error = "; ".join(errors) if errors else None
            report(record)
            if value is not None:
                return value
            convo = [
                *messages,
                Message(role="assistant", content=reply.text[:4000]),
                Message(role="user", content=repair_prompt(errors)),
            ]
        raise ModelBehaviorError(
            f"{self.model} gave no valid {schema.__name__} after a repair retry: "
            + "; ".join(errors)[:500],
            near_miss=near_miss,
        )

    def _ask(
        self,
        messages: list[Message],
        schema: type[BaseModel],
        settings: GenerationSettings,
        attempt: int,
    ) -> tuple[RawReply, CallRecord]:
        key = self.cache.key(self.model, messages, schema, settings) if self.cache else ""
        started = time.monotonic()
        cached = self.cache.get(key) if self.cache else None
        reply = cached if cached is not None else self._generate(messages, schema, settings)
        if cached is None:
            self.calls_made += 1
            if self.cache and not reply.truncated:
                self.cache.put(key, reply)
        record = CallRecord(
            model=reply.model or self.model,
            schema_name=schema.__name__,
            messages=messages,
            response=_as_json(reply.text),
            tokens_in=reply.tokens_in,
            tokens_out=reply.tokens_out,
            latency_s=round(time.monotonic() - started, 3),
            cost_usd=0.0 if cached else cost_of(self.model, reply.tokens_in, reply.tokens_out),
            cache_hit=cached is not None,
            attempt=attempt,
        )
        return reply, record

    def _generate(
        self, messages: list[Message], schema: type[BaseModel], settings: GenerationSettings
    ) -> RawReply:
        retrying = Retrying(
            retry=retry_if_exception_type(TransientModelError),
            stop=stop_after_attempt(self.transient_attempts),
            wait=wait_exponential(multiplier=self.backoff_base, max=self.backoff_max),
            reraise=False,
        )
        try:
            for try_ in retrying:
                with try_:
                    return self.backend.generate(messages, schema, settings)
        except RetryError as exc:
            last = exc.last_attempt.exception()
            raise ModelUnavailable(
                f"{self.model}: still failing after {self.transient_attempts} tries: {last}"
            ) from last
        raise AssertionError("unreachable")  # pragma: no cover


def repair_prompt(errors: list[str]) -> str:
    listed = "\n".join(f"- {e}" for e in errors[:12])
    return (
        "Your reply did not pass validation:\n"
        f"{listed}\n"
        "Reply again with the complete corrected JSON object only, no commentary."
    )


def _parse(
    reply: RawReply, schema: type[T], check: Validator | None
) -> tuple[T | None, list[str], T | None]:
    """(value, problems, near miss): a near miss fits the schema but fails the check."""
    if reply.truncated:
        return None, ["the reply was cut off at the token limit; write shorter"], None
    try:
        value = schema.model_validate_json(_strip_fences(reply.text))
    except ValidationError as exc:
        return None, [_describe(err) for err in exc.errors()[:12]], None
    problems = check(value) if check else []
    return (None, problems, value) if problems else (value, [], None)


def _describe(err: Any) -> str:
    where = ".".join(str(p) for p in err.get("loc", ())) or "(root)"
    return f"{where}: {err.get('msg', 'invalid')}"


def _strip_fences(text: str) -> str:
    text = text.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text


def _as_json(text: str) -> Any:
    try:
        return json.loads(_strip_fences(text))
    except (json.JSONDecodeError, ValueError):
        return text
