"""Real runs shared by the report, OTel and viewer tests, made once per session.

`reelwright make` runs one short episode through the OpenAI stub (markup in the
model's replies, a critic issue and its revision); a copy of that finished run is
kept, then `reelwright revise` adds a person's note and fails the critique it
reruns. A second, cheap run stops at its first review gate.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.real_run import ReportRuns, make_gated_run, make_run, revise_and_fail

_HEAVY = shutil.ignore_patterns("cache", "clips", "audio", "*.mp4", "*.wav")


@pytest.fixture(scope="session")
def report_runs(tmp_path_factory: pytest.TempPathFactory) -> ReportRuns:
    made = make_run(tmp_path_factory.mktemp("made"))
    done = tmp_path_factory.mktemp("done") / made.run.name
    shutil.copytree(made.run, done)
    stderr = revise_and_fail(made)
    gated = make_gated_run(tmp_path_factory.mktemp("gated"))
    return ReportRuns(
        done=done,
        revised=made.run,
        gated=gated,
        made_requests=made.requests,
        revise_stderr=stderr,
    )


def copy_run(source: Path, target: Path) -> Path:
    """A private copy of a shared run, without the media, for a test that changes files."""
    shutil.copytree(source, target, ignore=_HEAVY)
    return target


@pytest.fixture()
def revised_copy(report_runs: ReportRuns, tmp_path: Path) -> Path:
    return copy_run(report_runs.revised, tmp_path / "runs" / report_runs.revised.name)


@pytest.fixture()
def done_copy(report_runs: ReportRuns, tmp_path: Path) -> Path:
    return copy_run(report_runs.done, tmp_path / "runs" / report_runs.done.name)
