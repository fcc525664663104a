"""Export a finished (or partial) run as OpenTelemetry spans with the GenAI conventions.

Opt-in: needs the `otel` extra. The spans are rebuilt after the fact from
events.jsonl, so the run itself never depends on OpenTelemetry, and the file
(OTLP JSON lines) can be replayed into Jaeger, Tempo, Langfuse or Phoenix via a
collector. Ids are derived from the run id, so exporting twice gives the same trace.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from reelwright.errors import UserError
from reelwright.report.data import RunData, as_dict, as_list, load_run, num, parse_ts

EXTRA_HINT = "OpenTelemetry export needs the otel extra: pip install -e '.[otel]'"


def _ns(seconds: float) -> int:
    return int(round(seconds * 1e9))


def _took(value: Any, ts: float, t0: float) -> float:
    """A logged duration, clamped so a span never starts before the run did."""
    return min(max(num(value), 0.0), ts - t0)


def _provider_name(spec: str) -> str:
    """gen_ai.provider.name for the run's --llm spec."""
    kind = spec.split(":", 1)[0]
    return {"local": "llama_cpp", "openai": "openai"}.get(kind, kind)


def _messages(event: dict[str, Any]) -> tuple[str, str]:
    """gen_ai.input.messages and gen_ai.output.messages as the conventions' JSON shape."""
    inputs = []
    for message in as_list(event.get("messages")):
        m = as_dict(message)
        content = m.get("content", "")
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        inputs.append({"role": m.get("role", "user"), "parts": [{"type": "text", "content": text}]})
    response = event.get("response")
    text = response if isinstance(response, str) else json.dumps(response, ensure_ascii=False)
    outputs = [
        {
            "role": "assistant",
            "parts": [{"type": "text", "content": text}],
            "finish_reason": "error" if event.get("error") else "stop",
        }
    ]
    return json.dumps(inputs, ensure_ascii=False), json.dumps(outputs, ensure_ascii=False)


def _json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _import_sdk() -> Any:
    try:
        from opentelemetry.exporter.otlp.json.file import FileSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
            InMemorySpanExporter,
        )
        from opentelemetry.sdk.trace.id_generator import IdGenerator
        from opentelemetry.trace import SpanKind, Status, StatusCode, set_span_in_context
    except ImportError as exc:
        raise UserError(f"{EXTRA_HINT} ({exc})") from exc
    return (
        FileSpanExporter,
        Resource,
        TracerProvider,
        SimpleSpanProcessor,
        InMemorySpanExporter,
        IdGenerator,
        Status,
        StatusCode,
        set_span_in_context,
        SpanKind,
    )


def export_otel(run_path: Path, out: Path | None = None) -> Path:
    """Write the run's spans as OTLP JSON lines (run.otlp.jsonl by default); returns the path."""
    (
        FileSpanExporter,
        Resource,
        TracerProvider,
        SimpleSpanProcessor,
        InMemorySpanExporter,
        IdGenerator,
        Status,
        StatusCode,
        set_span_in_context,
        SpanKind,
    ) = _import_sdk()
    run_path = Path(run_path)
    data = load_run(run_path)
    out = Path(out) if out is not None else run_path / "run.otlp.jsonl"

    class RunIds(IdGenerator):  # type: ignore[misc,valid-type]
        """Trace and span ids hashed from the run id and a counter: stable across exports."""

        def __init__(self) -> None:
            self.count = 0

        def _hash(self, label: str, bits: int) -> int:
            digest = hashlib.sha256(f"{data.run_id}/{label}".encode()).digest()
            return int.from_bytes(digest[: bits // 8], "big") or 1

        def generate_trace_id(self) -> int:
            return self._hash("trace", 128)

        def generate_span_id(self) -> int:
            self.count += 1
            return self._hash(f"span/{self.count}", 64)

    from reelwright import __version__

    memory = InMemorySpanExporter()
    resource = Resource.create(
        {
            "service.name": "reelwright",
            "service.version": __version__,
            "service.instance.id": data.run_id,
            "reelwright.run.id": data.run_id,
        }
    )
    provider = TracerProvider(resource=resource, id_generator=RunIds())
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("reelwright", __version__)
    sdk = {
        "Status": Status,
        "StatusCode": StatusCode,
        "context": set_span_in_context,
        "client": SpanKind.CLIENT,
    }
    _build_spans(data, tracer, sdk)
    provider.shutdown()
    spans = list(memory.get_finished_spans())
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            exporter = FileSpanExporter(stream=fh)
            for i in range(0, len(spans), 500):  # one resourceSpans object a line
                exporter.export(spans[i : i + 500])
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def _build_spans(data: RunData, tracer: Any, sdk: dict[str, Any]) -> None:
    """Root span, then one span per node run, model call and tool call, in log order."""
    Status, StatusCode, set_span_in_context = sdk["Status"], sdk["StatusCode"], sdk["context"]
    times = [t for t in (parse_ts(e.get("ts")) for e in data.events) if t is not None]
    if not times:
        return
    t0, t1 = min(times), max(times)
    provider = _provider_name(str(data.settings.get("llm", "")))
    root = tracer.start_span(
        f"run {data.run_id}",
        start_time=_ns(t0),
        attributes={
            "gen_ai.conversation.id": data.run_id,
            "reelwright.premise": data.premise,
            "reelwright.status": data.status,
            "openinference.span.kind": "CHAIN",
            "input.value": data.premise,
        },
    )
    root_ctx = set_span_in_context(root)
    open_nodes: dict[str, Any] = {}
    for event in data.events:
        ts = parse_ts(event.get("ts"))
        if ts is None:
            continue
        type_ = event.get("type")
        node = event["node"] if isinstance(event.get("node"), str) else None
        agent = str(event.get("agent") or "-")
        parent = open_nodes.get(node) if node else None
        parent_ctx = set_span_in_context(parent) if parent is not None else root_ctx
        if type_ == "node_started" and node:
            span = tracer.start_span(
                f"invoke_agent {agent}",
                context=root_ctx,
                start_time=_ns(ts),
                attributes={
                    "gen_ai.operation.name": "invoke_agent",
                    "gen_ai.agent.name": agent,
                    "gen_ai.conversation.id": data.run_id,
                    "reelwright.node": node,
                    "reelwright.node.kind": str(event.get("kind") or ""),
                    "openinference.span.kind": "AGENT",
                },
            )
            open_nodes[node] = span
        elif type_ in ("node_done", "node_failed") and node in open_nodes:
            span = open_nodes.pop(node)
            if type_ == "node_failed":
                span.set_status(Status(StatusCode.ERROR, str(event.get("error") or "")))
                span.set_attribute("error.type", str(event.get("error") or "error")[:120])
            else:
                span.set_attribute("reelwright.node.version", int(num(event.get("version"))))
            span.end(end_time=_ns(ts))
        elif type_ == "llm_call":
            _chat_span(
                tracer,
                event,
                ts - _took(event.get("latency_s"), ts, t0),
                ts,
                parent_ctx,
                provider,
                data.run_id,
                sdk,
            )
        elif type_ == "tool_call":
            tool = str(event.get("tool") or "tool")
            span = tracer.start_span(
                f"execute_tool {tool}",
                context=parent_ctx,
                start_time=_ns(ts - _took(event.get("seconds"), ts, t0)),
                attributes={
                    "gen_ai.operation.name": "execute_tool",
                    "gen_ai.tool.name": tool,
                    "gen_ai.tool.type": "function",
                    "gen_ai.tool.call.arguments": _json(event.get("args")),
                    "gen_ai.tool.call.result": _json(event.get("result")),
                    "openinference.span.kind": "TOOL",
                },
            )
            span.end(end_time=_ns(ts))
        elif type_ in ("critique", "revision", "human_note", "review_gate", "run_started"):
            target = parent if parent is not None else root
            attrs = {
                k: _json(v)
                for k, v in event.items()
                if k not in ("ts", "run", "before", "after") and v is not None
            }
            target.add_event(f"reelwright.{type_}", attributes=attrs, timestamp=_ns(ts))
        elif type_ == "run_done":
            root.set_attribute("reelwright.status", str(event.get("status") or ""))
    for span in open_nodes.values():  # killed mid-node: close at the log's end, marked
        span.set_status(Status(StatusCode.ERROR, "unfinished"))
        span.end(end_time=_ns(t1))
    if data.status == "failed":
        root.set_status(Status(StatusCode.ERROR, "run failed"))
    root.end(end_time=_ns(t1))


def _chat_span(
    tracer: Any,
    event: dict[str, Any],
    start: float,
    ts: float,
    parent_ctx: Any,
    provider: str,
    run_id: str,
    sdk: dict[str, Any],
) -> None:
    """A chat span: the GenAI attributes plus OpenInference's, so Phoenix shows it too."""
    model = str(event.get("model") or "unknown")
    inputs, outputs = _messages(event)
    attributes: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": provider,
        "gen_ai.request.model": model,
        "gen_ai.response.model": model,
        "gen_ai.usage.input_tokens": int(num(event.get("tokens_in"))),
        "gen_ai.usage.output_tokens": int(num(event.get("tokens_out"))),
        "gen_ai.input.messages": inputs,
        "gen_ai.output.messages": outputs,
        "gen_ai.output.type": "json",
        "gen_ai.conversation.id": run_id,
        "gen_ai.agent.name": str(event.get("agent") or "-"),
        "reelwright.schema": str(event.get("schema_name") or event.get("schema") or ""),
        "reelwright.cache_hit": bool(event.get("cache_hit")),
        "reelwright.attempt": int(num(event.get("attempt"), 1)),
        "openinference.span.kind": "LLM",
        "input.value": inputs,
        "output.value": outputs,
        "llm.model_name": model,
        "llm.token_count.prompt": int(num(event.get("tokens_in"))),
        "llm.token_count.completion": int(num(event.get("tokens_out"))),
    }
    if event.get("cost_usd") is not None:
        attributes["reelwright.cost_usd"] = num(event.get("cost_usd"))
    if event.get("node"):
        attributes["reelwright.node"] = str(event["node"])
    span = tracer.start_span(
        f"chat {model}",
        context=parent_ctx,
        kind=sdk["client"],
        start_time=_ns(start),
        attributes=attributes,
    )
    if event.get("error"):
        span.set_status(sdk["Status"](sdk["StatusCode"].ERROR, str(event["error"])))
        span.set_attribute("error.type", str(event["error"])[:120])
    span.end(end_time=_ns(ts))
