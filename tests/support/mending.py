"""A scripted writer that mends a scene piece by piece back to a known good version.

The writer's repairs ask for one line (LineFix), new action (ActionFix) or the next
lines (MoreLines); this responder answers each from the clean scene, the way a model
that understood the note would.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from reelwright.agents.schemas import Scene
from reelwright.tools.llm import Message

from .fake_llm import Responder


def mend_from(scene: Scene, stuck: Scene | None = None) -> Responder:
    """Answers from `scene`; with `stuck`, from that one (a writer who changes nothing)."""
    source = stuck or scene

    def respond(messages: list[Message], schema: type[BaseModel]) -> Any:
        user = messages[-1].content
        if schema.__name__ == "LineFix":
            m = re.search(r"Write a new line (\d+) for", user)
            n = int(m.group(1)) if m else 1
            have = len(re.findall(r"(?m)^\d+\. ", user.split("The scene:")[-1]))
            if have > len(source.lines) or n > len(source.lines):
                return {"text": "", "emotion": "calm"}  # a line the good version lacks: cut
            line = source.lines[n - 1]
            return {"text": line.text, "emotion": line.emotion}
        if schema.__name__ == "ActionFix":
            return {"action": source.action}
        if schema.__name__ == "MoreLines":
            m = re.search(r"Write the next (\d+) lines", user)
            count = int(m.group(1)) if m else 2
            said = user.split("The scene so far:")[-1]
            extra = [
                {"speaker": ln.speaker, "text": ln.text, "emotion": ln.emotion}
                for ln in source.lines
                if ln.text not in said
            ][:count]
            voices = sorted({ln.speaker for ln in source.lines})
            for i in range(len(extra), count):  # new words, every speaker in turn
                extra.append(
                    {"speaker": voices[i % len(voices)], "text": f"We go at once, {i + 1}.",
                     "emotion": "determined"}
                )  # fmt: skip
            return {"lines": extra}
        return None

    return respond
