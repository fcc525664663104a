"""Prompt templates, one file per role and task, loaded as package data.

Syntax: `string.Template` ($name). A prompt file has a `[system]` and a `[user]`
section; a fragment file (a language rule, a visual prompt, a negative prompt) is
plain text, read with `fragment`. A missing variable is an error, never an empty
hole in a prompt.
"""

from __future__ import annotations

import string
from functools import lru_cache
from importlib import resources

from reelwright.tools.jsonio import stable_hash


class PromptError(KeyError):
    """A template asked for a variable nobody gave it, or does not exist."""


@lru_cache(maxsize=64)
def load(name: str) -> tuple[str, str]:
    """The (system, user) templates of a prompt file."""
    try:
        text = resources.files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PromptError(f"no prompt file {name}.txt") from exc
    if "[system]" not in text or "[user]" not in text:
        raise PromptError(f"{name}.txt needs a [system] and a [user] section")
    system = text.split("[system]", 1)[1].split("[user]", 1)[0].strip()
    user = text.split("[user]", 1)[1].strip()
    return system, user


def render(name: str, **variables: object) -> tuple[str, str]:
    system, user = load(name)
    return _substitute(name, system, variables), _substitute(name, user, variables)


@lru_cache(maxsize=64)
def load_fragment(name: str) -> str:
    try:
        return resources.files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8").strip()
    except FileNotFoundError as exc:
        raise PromptError(f"no prompt fragment {name}.txt") from exc


def fragment(name: str, **variables: object) -> str:
    """A plain-text fragment file, filled in."""
    return _substitute(name, load_fragment(name), variables)


def _substitute(name: str, template: str, variables: dict[str, object]) -> str:
    try:
        return string.Template(template).substitute(variables)
    except KeyError as exc:
        raise PromptError(f"prompt {name} needs variable {exc.args[0]!r}") from exc
    except ValueError as exc:
        raise PromptError(f"prompt {name}: {exc}") from exc


def fingerprint(*names: str) -> str:
    """Changes when any of these prompt files change, so their nodes go stale."""
    return stable_hash([_raw(n) for n in names])[:16]


def _raw(name: str) -> str:
    return resources.files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
