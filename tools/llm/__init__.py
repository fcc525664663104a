"""One function from (messages, pydantic schema) to a validated object.

Backends only turn messages into raw text; this module owns validation, the
repair retry, backoff on transient errors, the response cache and accounting.
Every request a backend makes is reported as one CallRecord (a failed try and a
refused structured-output method included), so the event log matches what the
endpoint saw.
"""

from __future__ import annotations

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

from reelwright.tools.errors import ModelBehaviorError, ModelUnavailable
from reelwright.tools.hosted.pricing import llm_prices
from reelwright.tools.jsonio import stable_hash, write_json_atomic
from reelwright.tools.llm.replies import Validator, as_json, in_words, judge, repair_message

T = TypeVar("T", bound=BaseModel)

Role = Literal["system", "user", "assistant"]


class Message(BaseModel):
    role: Role
    content: str


class GenerationSettings(BaseModel):
    temperature: float = 0.7
    max_tokens: int = 900
    seed: int = 0
    # What the call is for (a plan node id): sent to an endpoint as a request header
    # for its logs and for test stubs, never part of the prompt or the cache key.
    tag: str = ""


class RawReply(BaseModel):
    """What a backend returns: the text and what it cost.

    `problem` names what was wrong before any parsing (an empty reply, a refusal,
    a tool call with broken arguments); `refused` lists the structured-output
    methods the endpoint turned down while answering, one request each.
    """

    text: str
    tokens_in: int = 0
    tokens_out: int = 0
    truncated: bool = False
    model: str = ""
    problem: str | None = None
    method: str = ""
    refused: list[str] = []


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
    method: str = ""
    fault: Literal["retry", "refused"] | None = None


class TransientModelError(Exception):
    """A timeout, 429, 5xx or dropped connection: worth retrying after a wait.

    `refused` lists structured-output methods turned down on the way, as in RawReply.
    """

    def __init__(self, message: str, refused: list[str] | None = None) -> None:
        super().__init__(message)
        self.refused = refused or []


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
        return 0.0 if model.startswith("local") else None
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
                "settings": settings.model_dump(exclude={"tag"}),
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


class LLM:
    """The model seam every agent uses; one instance per run."""

    def __init__(
        self,
        backend: ChatBackend,
        *,
        cache: ResponseCache | None = None,
        on_call: Callable[[CallRecord], None] | None = None,
        settings: GenerationSettings | None = None,
        transient_attempts: int = 6,
        backoff_base: float = 1.0,
        backoff_max: float = 20.0,
        repairs: int = 1,
        damaged_retries: int = 5,
    ) -> None:
        self.backend = backend
        self.cache = cache
        self.on_call = on_call or (lambda record: None)
        self.settings = settings or GenerationSettings()
        self.transient_attempts = transient_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.repairs = repairs
        self.damaged_retries = damaged_retries
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
        tag: str = "",
    ) -> T:
        """Ask, validate, and on a bad reply ask again showing the model what was wrong.

        A reply the model got wrong (JSON that does not fit, a failed check, a
        refusal) is repaired `repairs` times; a reply damaged on the way (cut off,
        empty, broken tool-call arguments) is asked for again up to
        `damaged_retries` times, since a gateway or a length limit did it, not the
        model. Only a reply that passes is cached, so a good reply is never paid
        for twice and a bad one is never replayed.
        """
        update: dict[str, int | str] = {"seed": self.settings.seed + seed_offset, "tag": tag}
        if max_tokens:
            update["max_tokens"] = max_tokens
        settings = self.settings.model_copy(update=update)
        report = on_call or self.on_call
        convo = list(messages)
        wrong = damaged = 0
        problems: list[str] = []
        near_miss: T | None = None
        last_text = ""
        for attempt in range(1, 2 + self.repairs + self.damaged_retries):
            key = self.cache.key(self.model, convo, schema, settings) if self.cache else ""
            reply, record = self._ask(convo, schema, settings, attempt, key, report)
            verdict = judge(
                reply.text, schema, check, problem=reply.problem, truncated=reply.truncated
            )
            near_miss = verdict.near_miss or near_miss
            problems, last_text = verdict.problems, reply.text
            record.error = "; ".join(problems) if problems else None
            report(record)
            if verdict.value is not None:
                if self.cache is not None and not record.cache_hit:
                    self.cache.put(key, reply.model_copy(update={"refused": []}))
                return verdict.value
            damaged += verdict.damaged
            wrong += not verdict.damaged
            if wrong > self.repairs or damaged > self.damaged_retries:
                break
            convo = [
                *messages,
                Message(role="assistant", content=reply.text[:4000]),
                Message(role="user", content=repair_message(problems)),
            ]
        raise ModelBehaviorError(
            f"{self.model} gave no usable {schema.__name__} after {attempt} tries: "
            + in_words(problems, last_text),
            near_miss=near_miss,
            problems=problems,
            reply=last_text,
        )

    def _ask(
        self,
        messages: list[Message],
        schema: type[BaseModel],
        settings: GenerationSettings,
        attempt: int,
        key: str,
        report: Callable[[CallRecord], None],
    ) -> tuple[RawReply, CallRecord]:
        started = time.monotonic()
        cached = self.cache.get(key) if self.cache else None
        if cached is None:
            reply = self._generate(messages, schema, settings, attempt, report)
            self.calls_made += 1
        else:
            reply = cached
        record = CallRecord(
            model=reply.model or self.model,
            schema_name=schema.__name__,
            messages=messages,
            response=as_json(reply.text),
            tokens_in=reply.tokens_in,
            tokens_out=reply.tokens_out,
            latency_s=round(time.monotonic() - started, 3),
            cost_usd=0.0 if cached else cost_of(self.model, reply.tokens_in, reply.tokens_out),
            cache_hit=cached is not None,
            attempt=attempt,
            method=reply.method,
        )
        return reply, record

    def _generate(
        self,
        messages: list[Message],
        schema: type[BaseModel],
        settings: GenerationSettings,
        attempt: int,
        report: Callable[[CallRecord], None],
    ) -> RawReply:
        """The backend call with backoff; every failed try and refusal is reported."""
        retrying = Retrying(
            retry=retry_if_exception_type(TransientModelError),
            stop=stop_after_attempt(self.transient_attempts),
            wait=wait_exponential(multiplier=self.backoff_base, max=self.backoff_max),
            reraise=False,
        )

        def fault(kind: Literal["retry", "refused"], error: str, started: float) -> None:
            report(
                CallRecord(
                    model=self.model,
                    schema_name=schema.__name__,
                    messages=[],
                    latency_s=round(time.monotonic() - started, 3),
                    cost_usd=0.0,
                    attempt=attempt,
                    error=error,
                    fault=kind,
                )
            )

        try:
            for try_ in retrying:
                with try_:
                    started = time.monotonic()
                    try:
                        reply = self.backend.generate(messages, schema, settings)
                    except TransientModelError as exc:
                        for refusal in exc.refused:
                            fault("refused", refusal, started)
                        fault("retry", str(exc), started)
                        raise
                    for refusal in reply.refused:
                        fault("refused", refusal, started)
                    return reply
        except RetryError as exc:
            last = exc.last_attempt.exception()
            raise ModelUnavailable(
                f"{self.model}: still failing after {self.transient_attempts} tries: {last}"
            ) from last
        raise AssertionError("unreachable")  # pragma: no cover
