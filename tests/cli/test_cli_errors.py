"""Bad input gets one clear line on stderr, a non-zero exit and no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reelwright.settings import MAX_PREMISE_CHARS


def cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "reelwright.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=full_env,
        cwd=cwd,
    )


def assert_clean_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip(), "the user is told what went wrong"
    for needle in needles:
        assert needle in result.stderr


@pytest.mark.parametrize("premise", ["", "   ", "\n\t"])
def test_empty_premise(premise: str, tmp_path: Path) -> None:
    assert_clean_error(cli("make", premise, "--runs-dir", str(tmp_path)), "premise is empty")
    assert not list(tmp_path.iterdir()), "no run folder for a refused premise"


def test_huge_premise_names_the_limit(tmp_path: Path) -> None:
    result = cli("make", "storm " * 500, "--runs-dir", str(tmp_path))
    assert_clean_error(result, str(MAX_PREMISE_CHARS))


def test_unknown_llm(tmp_path: Path) -> None:
    assert_clean_error(
        cli("make", "a premise", "--llm", "gpt5", "--runs-dir", str(tmp_path)), "unknown --llm"
    )


def test_unreachable_endpoint(tmp_path: Path) -> None:
    result = cli(
        "make",
        "a premise",
        "--llm",
        "openai:some-model",
        "--runs-dir",
        str(tmp_path),
        env={"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "sk-test"},
    )
    assert_clean_error(result, "cannot reach")
    assert "sk-test" not in result.stderr


@pytest.mark.parametrize(
    "flags",
    [
        ["--episodes", "0"],
        ["--aspect", "4:3"],
        ["--lang", "fr"],
        ["--episode-seconds", "abc"],
        ["--no-such-flag"],
    ],
)
def test_bad_flags(flags: list[str], tmp_path: Path) -> None:
    result = cli("make", "a premise", *flags, "--runs-dir", str(tmp_path))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip()


@pytest.mark.parametrize(
    "command", [["resume"], ["runs", "show"], ["runs", "log"], ["undo"], ["runs", "diff"]]
)
@pytest.mark.parametrize("ref", ["no-such-run", "../etc", "/etc", "..", "a/../../b"])
def test_run_ids_cannot_escape_or_be_missing(command: list[str], ref: str, tmp_path: Path) -> None:
    result = cli(*command, ref, "--runs-dir", str(tmp_path))
    assert_clean_error(result)
    assert "run" in result.stderr


def test_runs_list_on_empty_folder(tmp_path: Path) -> None:
    result = cli("runs", "list", "--runs-dir", str(tmp_path))
    assert result.returncode == 0 and "no runs" in result.stdout


def test_a_long_series_is_accepted_and_too_long_a_one_is_refused(tmp_path: Path) -> None:
    dead = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "x"}
    args = ("make", "A lighthouse keeper", "--llm", "openai:m", "--runs-dir", str(tmp_path))
    too_many = cli(*args, "--episodes", "121", env=dead)
    assert_clean_error(too_many, "less than or equal to 120")
    assert "--episodes" in too_many.stderr
    hundred = cli(*args, "--episodes", "100", env=dead)
    assert_clean_error(hundred)  # it gets as far as asking the endpoint, which is down
    assert "--episodes" not in hundred.stderr and "127.0.0.1:9" in hundred.stderr
