"""The run's services with the offline backends, for tests that run one agent by hand."""

from __future__ import annotations

from reelwright.context import Services
from reelwright.settings import RunSettings
from reelwright.store import RunDir
from reelwright.tools.animatic import AnimaticBackend
from reelwright.tools.llm import LLM
from reelwright.tools.storyboard import StoryboardBackend
from reelwright.tools.tts import OfflineVoices


def offline_services(settings: RunSettings, run: RunDir, llm: LLM) -> Services:
    return Services(settings, run, llm, StoryboardBackend(), AnimaticBackend(), OfflineVoices())
