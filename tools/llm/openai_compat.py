"""Any OpenAI-compatible endpoint through LangChain's ChatOpenAI.

Structured outputs with a JSON schema first; endpoints that reject that
response format (llama-cpp-python's server, some proxies) fall back to tool
calling, and the choice is remembered for the rest of the run.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any

import httpx
from pydantic import BaseModel

from reelwright.tools.errors import ModelUnavailable
from reelwright.tools.llm import GenerationSettings, Message, RawReply, TransientModelError

NODE_HEADER = "X-Reelwright-Node"  # which plan node a request is for, for endpoint logs


class OpenAIBackend:
    """ChatOpenAI with our own validation on top; LangChain does no retries here."""

    concurrency = 8

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        http_client: httpx.Client | None = None,
        concurrency: int = 8,
    ) -> None:
        if not model:
            raise ModelUnavailable("--llm openai:MODEL needs a model name")
        self.model = model
        self.name = f"openai:{model}"
        self.concurrency = concurrency
        self.base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        self._api_key = api_key or os.environ.get("OPENAI_API_KEY") or "not-needed"
        self.timeout_s = timeout_s
        self._http_client = http_client
        self._method = "json_schema"
        self._lock = threading.Lock()

    def _chat(self, settings: GenerationSettings) -> Any:
        from langchain_openai import ChatOpenAI

        kwargs: dict[str, Any] = {}
        if settings.tag:
            kwargs["default_headers"] = {NODE_HEADER: settings.tag}
        if self._http_client is not None:
            kwargs["http_client"] = self._http_client
        return ChatOpenAI(
            model=self.model,
            base_url=self.base_url,
            api_key=self._api_key,  # type: ignore[arg-type]
            timeout=self.timeout_s,
            max_retries=0,
            temperature=settings.temperature,
            max_tokens=settings.max_tokens,  # type: ignore[call-arg]
            seed=settings.seed,
            **kwargs,
        )

    def generate(
        self, messages: list[Message], schema: type[BaseModel], settings: GenerationSettings
    ) -> RawReply:
        chat = self._chat(settings)
        lc_messages = [(m.role if m.role != "assistant" else "ai", m.content) for m in messages]
        method = self._method
        try:
            return self._invoke(chat, lc_messages, schema, method)
        except _FormatRejected:
            with self._lock:
                self._method = "function_calling"
            return self._invoke(chat, lc_messages, schema, "function_calling")

    def _invoke(
        self, chat: Any, lc_messages: list[tuple[str, str]], schema: type[BaseModel], method: str
    ) -> RawReply:
        structured = chat.with_structured_output(schema, method=method, include_raw=True)
        try:
            result = structured.invoke(lc_messages)
        except Exception as exc:  # provider errors arrive as openai/httpx exceptions
            raise _classify(exc, method) from exc
        raw = result["raw"]
        if method == "function_calling" and getattr(raw, "tool_calls", None):
            text = json.dumps(raw.tool_calls[0]["args"], ensure_ascii=False)
        else:
            text = raw.content if isinstance(raw.content, str) else json.dumps(raw.content)
        usage = getattr(raw, "usage_metadata", None) or {}
        finish = (getattr(raw, "response_metadata", None) or {}).get("finish_reason")
        return RawReply(
            text=text,
            tokens_in=int(usage.get("input_tokens", 0)),
            tokens_out=int(usage.get("output_tokens", 0)),
            truncated=finish == "length",
            model=self.name,
        )


class _FormatRejected(Exception):
    """The endpoint does not take this structured-output method."""


def _classify(exc: Exception, method: str) -> Exception:
    """Map provider exceptions to retry, fall back, or give up."""
    import openai

    if isinstance(exc, openai.RateLimitError | openai.APITimeoutError | openai.APIConnectionError):
        return TransientModelError(f"{type(exc).__name__}: {_short(exc)}")
    if isinstance(exc, openai.InternalServerError):
        return TransientModelError(f"server error: {_short(exc)}")
    if isinstance(exc, httpx.TransportError):
        return TransientModelError(f"connection dropped: {_short(exc)}")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return ModelUnavailable("the endpoint refused the API key (check OPENAI_API_KEY)")
    if isinstance(exc, openai.NotFoundError):
        return ModelUnavailable(f"the endpoint does not know that model: {_short(exc)}")
    if isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError):
        if method == "json_schema":
            return _FormatRejected(str(exc))
        return ModelUnavailable(f"the endpoint rejected the request: {_short(exc)}")
    if isinstance(exc, openai.APIStatusError) and exc.status_code >= 500:
        return TransientModelError(f"server error {exc.status_code}")
    return exc


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def check_reachable(base_url: str | None, timeout_s: float = 5.0) -> None:
    """Fail fast with one clear line when the endpoint is down, before any node runs."""
    root = (base_url or "https://api.openai.com/v1").rstrip("/")
    try:
        httpx.get(f"{root}/models", timeout=timeout_s)
    except httpx.HTTPError as exc:
        raise ModelUnavailable(f"cannot reach the model endpoint {root}: {_short(exc)}") from exc
