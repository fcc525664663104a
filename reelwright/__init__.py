"""reelwright: LLM agents that write and direct vertical short-drama series."""

__version__ = "0.1.0"
