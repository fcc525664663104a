"""Errors named by who is at fault; the CLI turns each into one clear line."""

from __future__ import annotations


class ReelwrightError(Exception):
    """Base class: anything the CLI reports without a traceback."""


class UserError(ReelwrightError):
    """Bad input: a premise, a flag, a run id."""


class ModelBehaviorError(ReelwrightError):
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


class ModelUnavailable(ReelwrightError):
    """The model could not be reached or loaded: dead endpoint, missing weights."""


class UnexpectedModelCall(ReelwrightError):
    """The scripted fake got a call nobody scripted."""


class BudgetExceeded(ReelwrightError):
    """The run spent its model-call budget."""


def describe_error(error: BaseException) -> str:
    """A node's error as a person reads it: our errors speak for themselves."""
    if isinstance(error, ReelwrightError):
        return str(error)
    return f"{type(error).__name__}: {error}"
