"""Errors the tools raise, named by who is at fault. The tools import nothing else
of reelwright; the engine's CLI turns each of these into one clear line."""

from __future__ import annotations


class ToolError(Exception):
    """A tool could not do its job: a missing binary, a broken file, a dead model."""


class ModelBehaviorError(ToolError):
    """The model replied with something that does not fit the schema, even after repair.

    `near_miss` holds the last reply that fit the schema but failed the caller's own
    check, for callers that would rather keep it and let the critics flag it.
    `problems` and `reply` say what was wrong and what came back, in plain words.
    """

    def __init__(
        self,
        message: str,
        near_miss: object = None,
        problems: list[str] | None = None,
        reply: str = "",
    ) -> None:
        super().__init__(message)
        self.near_miss = near_miss
        self.problems = problems or []
        self.reply = reply


class ModelUnavailable(ToolError):
    """The model could not be reached or loaded: dead endpoint, missing weights."""
