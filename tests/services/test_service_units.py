"""The pieces of the hosted backends a user depends on, checked without a run."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from mocks import kling as kling_mock

from reelwright.errors import BudgetExceeded
from reelwright.events import EventLog, read_events
from reelwright.spending import SpendLedger
from reelwright.tools.hosted import pricing
from reelwright.tools.hosted.openai_media import VOICES, OpenAISpeech
from reelwright.tools.media import VoiceRequest
from reelwright.tools.video import hailuo, kling, seedance

NEW_KEYS = [
    "KLING_ACCESS_KEY",
    "KLING_SECRET_KEY",
    "ARK_API_KEY",
    "MINIMAX_API_KEY",
    "OPENAI_IMAGES_API_KEY",
    "OPENAI_SPEECH_API_KEY",
]


@pytest.mark.parametrize("name", NEW_KEYS)
def test_each_service_key_is_redacted_from_events(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    value = f"value-of-{name.lower()}-7f3a9c"
    monkeypatch.setenv(name, value)
    log = EventLog(tmp_path / "events.jsonl", "run")
    token = kling.jwt_hs256("ak", "sk")
    log.emit("tool_call", tool="video:kling", args={"key": value}, result=f"Bearer {token}",
             headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    text = (tmp_path / "events.jsonl").read_text(encoding="utf-8")
    assert value not in text and token not in text
    assert next(read_events(tmp_path / "events.jsonl"))["tool"] == "video:kling"


def test_kling_jwt_is_what_the_service_checks() -> None:
    token = kling.jwt_hs256(kling_mock.ACCESS_KEY, kling_mock.SECRET_KEY)
    assert kling_mock.jwt_ok(f"Bearer {token}")
    assert not kling_mock.jwt_ok(f"Bearer {kling.jwt_hs256(kling_mock.ACCESS_KEY, 'wrong')}")
    expired = kling.jwt_hs256(kling_mock.ACCESS_KEY, kling_mock.SECRET_KEY, now=1_000_000)
    assert not kling_mock.jwt_ok(f"Bearer {expired}")


def _reply(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode())


@pytest.mark.parametrize(
    ("classify", "status", "body", "kind"),
    [
        (kling.classify, 400, {"code": 1301, "message": "content security"}, "refused"),
        (kling.classify, 429, {"code": 1302, "message": "too fast"}, "rate_limited"),
        (kling.classify, 429, {"code": 1102, "message": "resource pack exhausted"}, "quota"),
        (kling.classify, 401, {"code": 1004, "message": "auth"}, "auth"),
        (seedance.classify, 400, {"error": {"code": "InputTextSensitiveContentDetected"}},
         "refused"),
        (seedance.classify, 429, {"error": {"code": "RateLimitExceeded.EndpointRPMExceeded"}},
         "rate_limited"),
        (seedance.classify, 403, {"error": {"code": "AccountOverdueError"}}, "quota"),
        (hailuo.classify, 200, {"base_resp": {"status_code": 1026, "status_msg": "sensitive"}},
         "refused"),
        (hailuo.classify, 200, {"base_resp": {"status_code": 1008, "status_msg": "balance"}},
         "quota"),
        (hailuo.classify, 200, {"base_resp": {"status_code": 1002, "status_msg": "rpm"}},
         "rate_limited"),
    ],
)  # fmt: skip
def test_service_errors_map_to_what_the_run_does(
    classify: object, status: int, body: object, kind: str
) -> None:
    error = classify(_reply(status, body))  # type: ignore[operator]
    assert error is not None and error.kind == kind


def test_success_replies_are_not_errors() -> None:
    assert kling.classify(_reply(200, {"code": 0, "data": {}})) is None
    assert seedance.classify(_reply(200, {"id": "cgt-1"})) is None
    assert hailuo.classify(_reply(200, {"base_resp": {"status_code": 0}})) is None


def test_durations_round_up_to_what_each_service_offers() -> None:
    k, s, h = (pricing.video_model(x) for x in ("kling", "seedance", "hailuo"))
    assert [k.billed_seconds(d) for d in (1.5, 5.0, 5.2, 12)] == [5, 5, 10, 10]
    assert [s.billed_seconds(d) for d in (1.5, 2.0, 2.1, 13)] == [2, 2, 3, 12]
    assert [h.billed_seconds(d) for d in (3.0, 6.5)] == [6, 10]
    assert k.price(5) == pytest.approx(0.28) and h.price(6) == pytest.approx(0.28)
    assert s.tokens(5) == 720 * 1280 * 24 * 5 // 1024
    assert pricing.table()["date"]


def test_unpriced_model_is_a_clear_error() -> None:
    with pytest.raises(Exception, match="no price for kling model 'kling-v9'"):
        pricing.video_model("kling", "kling-v9")


def test_ledger_refuses_a_call_past_the_budget_but_counts_committed_tasks() -> None:
    ledger = SpendLedger(budget=1.0, spent=0.5, run_id="r1")
    ledger.reserve("clip a", 0.3)
    with pytest.raises(BudgetExceeded, match="resume r1 --budget"):
        ledger.reserve("clip b", 0.3)
    ledger.reserve("clip c", 0.3, committed=True)  # created before a kill: already spent
    ledger.settle(0.3, 0.25)
    assert ledger.spent == pytest.approx(0.75)


def test_one_voice_per_character_across_lines() -> None:
    speech = OpenAISpeech("gpt-4o-mini-tts", client=None)  # type: ignore[arg-type]

    def voice(index: int, gender: str) -> str:
        req = VoiceRequest(line_id="1.1.1", text="hi", speaker="x", character_index=index,
                           gender=gender)  # fmt: skip
        return speech.voice_for(req)

    assert voice(0, "male") == voice(0, "male") and voice(0, "male") != voice(1, "male")
    assert voice(0, "female") in VOICES["female"] and voice(0, "female") != voice(0, "male")


@pytest.mark.parametrize(
    ("flags", "needs"),
    [
        (["--video", "kling"], "KLING_ACCESS_KEY"),
        (["--video", "seedance"], "ARK_API_KEY"),
        (["--video", "hailuo"], "MINIMAX_API_KEY"),
        (["--images", "openai-images:gpt-image-1"], "OPENAI_IMAGES_API_KEY or OPENAI_API_KEY"),
        (["--voices", "openai-speech:nope"], "no price for openai-speech model 'nope'"),
        (["--voices", "piper"], "unknown --voices 'piper'"),
    ],
)
def test_a_paid_backend_without_its_key_is_one_clear_line(
    flags: list[str], needs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli_helpers import PREMISE, run_cli

    for name in ("KLING_ACCESS_KEY", "ARK_API_KEY", "MINIMAX_API_KEY", "OPENAI_IMAGES_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    runs = tmp_path / "runs"
    result = run_cli("make", PREMISE, "--llm", "openai:m", "--runs-dir", str(runs), *flags)
    assert result.returncode == 2
    assert needs in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not runs.exists() or not any(runs.iterdir()), "nothing is started"


def test_a_create_whose_reply_is_lost_is_never_sent_twice(tmp_path: Path) -> None:
    from PIL import Image

    from reelwright.tools.media import ClipRequest
    from reelwright.tools.video import MemoryCheckpoint, UnknownOutcome, make_hosted

    Image.new("RGB", (1080, 1920), (30, 60, 90)).save(tmp_path / "f.png")
    req = ClipRequest(shot_id="1.1.1", frame_path=tmp_path / "f.png", prompt="the harbour",
                      duration=3.0, width=1080, height=1920)  # fmt: skip
    with kling_mock.kling_mock(tmp_path / "files", rate_limit_first=False,
                               drop_first_reply=True) as state:  # fmt: skip
        env = {**kling_mock.env(state), "REELWRIGHT_BACKOFF": "0.01"}
        checkpoint = MemoryCheckpoint()
        for _ in range(2):  # the run, then a resume: both report, neither resubmits
            with pytest.raises(UnknownOutcome, match="got no reply|never came back"):
                make_hosted("kling", None, env, poll_interval=0.05).render(
                    req, tmp_path / "a.mp4", checkpoint
                )
        assert len(state.creates) == 1 and checkpoint.data["state"] == "submitting"  # type: ignore[index]
