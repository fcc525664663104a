"""Two small, coherent series (English and Chinese) that every code check passes.

Tests and benchmarks plant one defect in a copy (see `planting.py`); the clean
originals must raise nothing. Both tell the same story: a fisherman sails into a
storm to pay his sick mother's debt, over two episodes, with consistent ledgers.
"""

from __future__ import annotations

from .fixtures_en import clean_story_en
from .fixtures_zh import clean_story_zh

__all__ = ["clean_story_en", "clean_story_zh"]
