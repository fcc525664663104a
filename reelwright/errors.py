"""Errors named by who is at fault; the CLI turns each into one clear line."""

from __future__ import annotations


class ReelwrightError(Exception):
    """Base class: anything the CLI reports without a traceback."""


class UserError(ReelwrightError):
    """Bad input: a premise, a flag, a run id."""


class ModelBehaviorError(ReelwrightError):
    """The model replied with something that does not fit the schema, even after repair."""


class ModelUnavailable(ReelwrightError):
    """The model could not be reached or loaded: dead endpoint, missing weights."""


class UnexpectedModelCall(ReelwrightError):
    """The scripted fake got a call nobody scripted."""


class BudgetExceeded(ReelwrightError):
    """The run spent its model-call budget."""
