"""JianYing (剪映) / CapCut drafts: the editor Chinese short-drama makers finish in."""

from .draft import PLACEHOLDER, TARGETS, DraftUnavailable, us, write_draft
from .read import Draft, DraftError, DraftSegment, read_draft

__all__ = [
    "PLACEHOLDER",
    "TARGETS",
    "Draft",
    "DraftError",
    "DraftSegment",
    "DraftUnavailable",
    "read_draft",
    "us",
    "write_draft",
]
