"""Errors named by who is at fault; the CLI turns each into one clear line."""

from __future__ import annotations

from reelwright.tools.errors import ModelBehaviorError, ModelUnavailable, ToolError

__all__ = [
    "BudgetExceeded",
    "ModelBehaviorError",
    "ModelUnavailable",
    "ReelwrightError",
    "ToolError",
    "UserError",
    "describe_error",
]


class ReelwrightError(Exception):
    """Base class of the engine's own errors: reported without a traceback."""


class UserError(ReelwrightError):
    """Bad input: a premise, a flag, a run id."""


class BudgetExceeded(ReelwrightError):
    """A paid call would pass the run's --budget; the run stops before it, resumable."""


# Everything the CLI reports as one line, with no traceback.
REPORTED = (ReelwrightError, ToolError)


def describe_error(error: BaseException) -> str:
    """A node's error as a person reads it: our errors speak for themselves."""
    if isinstance(error, REPORTED):
        return str(error)
    return f"{type(error).__name__}: {error}"
