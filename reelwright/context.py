"""What an agent sees: its node in the plan, and the run's services, typed.

Agents take an `AgentContext`; they reach the model, the image, video and voice backends,
the settings and the run folder through `ctx.services`, each by its interface.
"""

from __future__ import annotations

from dataclasses import dataclass

from reelwright.scheduler import NodeContext
from reelwright.settings import RunSettings
from reelwright.spending import SpendLedger
from reelwright.store import RunDir
from reelwright.tools.llm import LLM
from reelwright.tools.media import ImageBackend, VideoBackend, VoiceBackend


@dataclass
class Services:
    """The run's settings, folder and backends, built once per make, resume or revise."""

    settings: RunSettings
    run: RunDir
    llm: LLM
    images: ImageBackend
    video: VideoBackend
    voices: VoiceBackend
    spend: SpendLedger | None = None  # the budget ledger, set by spending.meter


AgentContext = NodeContext[Services]
