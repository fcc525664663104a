"""Any OpenAI-compatible endpoint through LangChain's ChatOpenAI.

Endpoints differ in how they take a JSON schema, so the backend finds out:
json_schema response format first, then json_object with a schema (llama.cpp
servers, DeepSeek), then tool calling. A method the endpoint refuses, with a 4xx
or with a 5xx that names the format (llama-cpp-python's server answers
json_schema with HTTP 500), is never tried again in this run.

The response format travels in `extra_body`, so neither LangChain nor the OpenAI
SDK parses the reply: a cut-off or empty reply comes back as raw text for the
repair prompt instead of a library exception that would fail the node.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any

import httpx
from pydantic import BaseModel

from reelwright.prompts import render
from reelwright.tools.errors import ModelUnavailable
from reelwright.tools.llm import GenerationSettings, Message, RawReply, TransientModelError
from reelwright.tools.llm.replies import BROKEN_TOOL_ARGS

METHODS = ("json_schema", "json_object", "tools")
# words an error body uses when it is about the request's format, not the server's health
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "tool_choice", "tools")
_GENERIC_5XX_LIMIT = 2  # bare 5xx replies to an untried method before we call it refused

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
        timeout_s: float | None = None,
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
        self.timeout_s = timeout_s or float(os.environ.get("REELWRIGHT_LLM_TIMEOUT", "120"))
        self._http_client = http_client
        self.refused: set[str] = set()
        self.working: str | None = None
        self._strikes: dict[str, int] = {}
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

    def methods(self) -> list[str]:
        """The methods still worth trying, the one known to work first."""
        with self._lock:
            left = [m for m in METHODS if m not in self.refused]
            if self.working in left:
                left.remove(self.working)
                left.insert(0, self.working)
            return left

    def generate(
        self, messages: list[Message], schema: type[BaseModel], settings: GenerationSettings
    ) -> RawReply:
        chat = self._chat(settings)
        refused_now: list[str] = []
        for method in self.methods():
            try:
                reply = self._invoke(chat, messages, schema, method)
            except _FormatRejected as exc:
                with self._lock:
                    self.refused.add(method)
                refused_now.append(f"the endpoint does not take {method} requests: {exc}")
                continue
            except TransientModelError as exc:
                exc.refused = refused_now
                raise
            with self._lock:
                self.working = method
                self._strikes.clear()
            reply.refused = refused_now
            return reply
        with self._lock:
            self.refused.clear()  # a sick server can look like one refusing everything
        raise ModelUnavailable(
            "the endpoint took none of the ways to ask for JSON "
            f"({', '.join(METHODS)}): {refused_now[-1] if refused_now else 'no reply'}"
        )

    def _invoke(
        self, chat: Any, messages: list[Message], schema: type[BaseModel], method: str
    ) -> RawReply:
        lc_messages = [(m.role if m.role != "assistant" else "ai", m.content) for m in messages]
        runnable, extra = _request_for(chat, lc_messages, schema, method)
        try:
            raw = runnable.invoke(lc_messages, **extra)
        except Exception as exc:  # every provider or parsing error is classified here
            raise self._classify(exc, method) from exc
        return _reply_of(raw, method, self.name)

    def _classify(self, exc: Exception, method: str) -> Exception:
        """Map an error to: retry after a wait, try another method, or give up."""
        import openai

        text = _short(exc)
        status = getattr(exc, "status_code", None)
        if isinstance(exc, openai.APITimeoutError):
            return TransientModelError(f"no reply within {self.timeout_s:g} s")
        if isinstance(exc, openai.RateLimitError):
            return TransientModelError(f"rate limited (HTTP 429): {text}")
        if isinstance(exc, openai.APIConnectionError | httpx.TransportError):
            return TransientModelError(f"connection failed: {_cause(exc)}")
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return ModelUnavailable("the endpoint refused the API key (check OPENAI_API_KEY)")
        if isinstance(exc, openai.NotFoundError) and "model" in text.lower():
            return ModelUnavailable(f"the endpoint does not know model {self.model!r}: {text}")
        if "context length" in text.lower() or "context_length" in text.lower():
            return ModelUnavailable(f"the prompt is longer than the model's context: {text}")
        if isinstance(exc, openai.APIStatusError) and status is not None:
            if 400 <= status < 500:
                return _FormatRejected(f"HTTP {status}: {text}")
            if self._refuses(method, text):
                return _FormatRejected(f"HTTP {status}: {text}")
            return TransientModelError(f"server error (HTTP {status}): {text}")
        if isinstance(exc, openai.APIError):
            return TransientModelError(f"the endpoint failed: {text}")
        if "Unexpected response type" in text or "<html" in text.lower():
            return TransientModelError(
                "the endpoint's answer was not a chat completion but a page of text "
                "(an error page from a proxy or gateway?)"
            )
        return TransientModelError(f"the endpoint's answer was not a chat completion: {text}")

    def _refuses(self, method: str, text: str) -> bool:
        """A 5xx to a method never seen working: refused if it names the format, or keeps on."""
        with self._lock:
            if method == self.working:
                return False
            if any(word in text for word in _FORMAT_WORDS):
                return True
            self._strikes[method] = self._strikes.get(method, 0) + 1
            return self._strikes[method] > _GENERIC_5XX_LIMIT


class _FormatRejected(Exception):
    """The endpoint does not take this structured-output method."""


def _request_for(
    chat: Any, lc_messages: list[tuple[str, str]], schema: type[BaseModel], method: str
) -> tuple[Any, dict[str, Any]]:
    """The runnable and extra request fields that ask for `schema` by `method`."""
    body = schema.model_json_schema()
    if method == "json_schema":
        fmt = {"name": schema.__name__, "schema": body, "strict": False}
        return chat, {
            "extra_body": {"response_format": {"type": "json_schema", "json_schema": fmt}}
        }
    if method == "json_object":
        hint = render("llm_json_mode", schema=json.dumps(body, separators=(",", ":")))[0]
        if lc_messages and lc_messages[0][0] == "system":
            lc_messages[0] = ("system", f"{lc_messages[0][1]}\n\n{hint}")
        else:
            lc_messages.insert(0, ("system", hint))
        return chat, {"extra_body": {"response_format": {"type": "json_object", "schema": body}}}
    tool = {
        "type": "function",
        "function": {
            "name": schema.__name__,
            "description": (schema.__doc__ or schema.__name__).strip()[:500],
            "parameters": body,
        },
    }
    return chat.bind_tools([tool], tool_choice=schema.__name__), {}


def _reply_of(raw: Any, method: str, name: str) -> RawReply:
    """The raw text of a reply and anything wrong with it before parsing."""
    problem: str | None = None
    content = raw.content if isinstance(raw.content, str) else json.dumps(raw.content)
    text = content
    if method == "tools":
        if raw.tool_calls:
            text = json.dumps(raw.tool_calls[0]["args"], ensure_ascii=False)
        elif raw.invalid_tool_calls:
            text = str(raw.invalid_tool_calls[0].get("args") or "")
            problem = BROKEN_TOOL_ARGS
    meta = raw.response_metadata or {}
    finish = meta.get("finish_reason")
    refusal = (raw.additional_kwargs or {}).get("refusal")
    if refusal and not text.strip():
        text, problem = str(refusal), f"the model refused: {str(refusal)[:200]}"
    elif finish == "content_filter":
        problem = "the provider's content filter stopped the reply"
    usage = raw.usage_metadata or {}
    return RawReply(
        text=text,
        tokens_in=int(usage.get("input_tokens", 0)),
        tokens_out=int(usage.get("output_tokens", 0)),
        truncated=finish == "length",
        model=name,
        problem=problem,
        method=method,
    )


def _short(exc: BaseException) -> str:
    """The first line of an error, with any library class name left out."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error")
        message = body.get("message") or (
            inner.get("message") if isinstance(inner, dict) else inner
        )
        if message:
            return " ".join(str(message).split())[:300]
    return " ".join(str(exc).split())[:300] or "no details"


def _cause(exc: BaseException) -> str:
    inner = exc.__cause__ or exc.__context__
    return _short(inner) if inner is not None and str(inner) else _short(exc)


def check_reachable(base_url: str | None, timeout_s: float = 5.0) -> None:
    """Fail fast with one clear line when the endpoint is down, before any node runs."""
    root = (base_url or "https://api.openai.com/v1").rstrip("/")
    try:
        httpx.get(f"{root}/models", timeout=timeout_s)
    except httpx.HTTPError as exc:
        raise ModelUnavailable(f"cannot reach the model endpoint {root}: {_short(exc)}") from exc
