"""OpenTelemetry export: OTLP JSON lines with GenAI spans nested under their nodes."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from support.real_run import ReportRuns

from reelwright.errors import UserError

pytest.importorskip("opentelemetry.sdk", reason="the otel extra is not installed")
pytest.importorskip("opentelemetry.exporter.otlp.json.file", reason="no OTLP JSON file exporter")

from reelwright.report.otel import export_otel  # noqa: E402


def load_spans(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Spans and resources, after checking each line decodes as an OTLP export request."""
    from opentelemetry.proto_json.collector.trace.v1.trace_service import (
        ExportTraceServiceRequest,
    )

    spans, resources = [], []
    for line in path.read_text("utf-8").splitlines():
        doc = json.loads(line)
        assert ExportTraceServiceRequest.from_dict(doc).resource_spans
        for rs in doc["resourceSpans"]:
            resources.append(rs["resource"])
            for ss in rs["scopeSpans"]:
                spans += ss["spans"]
    return spans, resources


def attrs(span: dict[str, Any]) -> dict[str, Any]:
    return {a["key"]: next(iter(a["value"].values())) for a in span.get("attributes", [])}


def test_export_writes_genai_spans(revised_copy: Path) -> None:
    run = revised_copy
    out = export_otel(run)
    assert out == run / "run.otlp.jsonl"
    spans, resources = load_spans(out)
    events = [json.loads(x) for x in (run / "events.jsonl").read_text("utf-8").splitlines()]
    by_id = {s["spanId"]: s for s in spans}
    assert len({s["traceId"] for s in spans}) == 1
    assert all(len(s["traceId"]) == 32 and len(s["spanId"]) == 16 for s in spans)
    assert attrs({"attributes": resources[0]["attributes"]})["service.name"] == "reelwright"

    roots = [s for s in spans if not s.get("parentSpanId")]
    assert len(roots) == 1 and roots[0]["name"] == f"run {run.name}"

    chats = [s for s in spans if s["name"].startswith("chat ")]
    llm_calls = [e for e in events if e["type"] == "llm_call"]
    assert len(chats) == len(llm_calls)
    bible = next(
        s
        for s in chats
        if attrs(s)["reelwright.node"] == "series" and attrs(s)["reelwright.schema"] == "Bible"
    )
    a = attrs(bible)
    call = next(e for e in llm_calls if e["node"] == "series" and e["schema_name"] == "Bible")
    assert a["gen_ai.operation.name"] == "chat" and a["gen_ai.provider.name"] == "openai"
    assert a["gen_ai.request.model"] == call["model"] == "openai:stub-model"
    assert int(a["gen_ai.usage.input_tokens"]) == call["tokens_in"] > 0
    assert int(a["gen_ai.usage.output_tokens"]) == call["tokens_out"] > 0
    messages = json.loads(a["gen_ai.input.messages"])
    assert messages[0]["role"] == "system" and messages[1]["parts"][0]["type"] == "text"
    assert (
        json.loads(json.loads(a["gen_ai.output.messages"])[0]["parts"][0]["content"])
        == (call["response"])
    )
    parent = by_id[bible["parentSpanId"]]
    assert parent["name"] == "invoke_agent writer"
    assert attrs(parent)["gen_ai.agent.name"] == "writer"
    assert attrs(parent)["reelwright.node"] == "series"
    assert int(parent["startTimeUnixNano"]) <= int(bible["startTimeUnixNano"])
    assert int(bible["endTimeUnixNano"]) <= int(parent["endTimeUnixNano"])

    agents = [s for s in spans if s["name"].startswith("invoke_agent ")]
    assert len(agents) == sum(1 for e in events if e["type"] == "node_started")
    failed = [s for s in agents if s.get("status", {}).get("code") == 2]
    assert (
        [attrs(s)["reelwright.node"] for s in failed]
        == [e["node"] for e in events if e["type"] == "node_failed"]
        == ["critique:series"]
    )

    tools = [s for s in spans if s["name"].startswith("execute_tool ")]
    assert len(tools) == sum(1 for e in events if e["type"] == "tool_call")
    assert all(attrs(s)["gen_ai.operation.name"] == "execute_tool" for s in tools)
    # a tool inside a node hangs under its agent; publishing, after the nodes, under the run
    parents = [by_id[s["parentSpanId"]] for s in tools]
    assert all(p is roots[0] or p["name"].startswith("invoke_agent") for p in parents)
    outside = [e for e in events if e["type"] == "tool_call" and not e["node"]]
    assert outside and sum(p is roots[0] for p in parents) == len(outside)
    # a revision is the writer's scene node made again with the critique's notes
    rewrites = [s for s in agents if attrs(s)["reelwright.node"] == "scene:1.1"]
    assert any(e["name"] == "reelwright.revision" for s in rewrites for e in s.get("events", []))


def test_export_is_stable_and_takes_an_output_path(report_runs: ReportRuns, tmp_path: Path) -> None:
    run = report_runs.done
    first = export_otel(run, tmp_path / "a.jsonl")
    second = export_otel(run, tmp_path / "b.jsonl")
    ids = [[(s["traceId"], s["spanId"]) for s in load_spans(p)[0]] for p in (first, second)]
    assert ids[0] == ids[1]


def test_odd_events_still_export(done_copy: Path) -> None:
    run = done_copy
    events = [json.loads(x) for x in (run / "events.jsonl").read_text("utf-8").splitlines()]
    for event in events:
        if event["type"] == "tool_call":
            event["seconds"] = 1e308
        if event["type"] == "llm_call":
            event.update(latency_s="NaN", tokens_in=None, node=["not", "an", "id"])
    events.append({"seq": 10_000, "type": "node_started", "node": {"x": 1}, "ts": "never"})
    (run / "events.jsonl").write_text("\n".join(json.dumps(e) for e in events), "utf-8")
    spans, _ = load_spans(export_otel(run))
    root = next(s for s in spans if not s.get("parentSpanId"))
    assert all(int(s["startTimeUnixNano"]) >= int(root["startTimeUnixNano"]) for s in spans)
    chats = [s for s in spans if s["name"].startswith("chat ")]
    assert chats and all(s["parentSpanId"] == root["spanId"] for s in chats)


def test_empty_run_gives_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    out = export_otel(tmp_path / "empty")
    assert out.read_text("utf-8") == ""


def test_missing_sdk_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry.exporter.otlp.json.file", None)
    with pytest.raises(UserError, match=r"pip install -e '\.\[otel\]'"):
        export_otel(tmp_path)
