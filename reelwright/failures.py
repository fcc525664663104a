"""Why a node gave up on the model, in words a person can act on."""

from __future__ import annotations

from reelwright.errors import ModelBehaviorError, ModelUnavailable


def model_gave_up(
    error: ModelBehaviorError | ModelUnavailable,
    *,
    agent: str,
    wanted: str,
    prompt: str,
    model: str,
    run_id: str | None,
) -> ModelBehaviorError | ModelUnavailable:
    """The same error, reworded: which agent, what it asked, what came back, how to go on."""
    asked = f"the {agent} asked {model} for a {wanted} (prompt {prompt})"
    if isinstance(error, ModelBehaviorError):
        what = f"{asked} and got nothing usable: {_after_colon(str(error))}"
    else:
        what = f"{asked} and could not get an answer: {error}"
    resume = f"`reelwright resume {run_id}`" if run_id else "`reelwright resume RUN`"
    message = (
        f"{what}. Everything that does not need it was finished; {resume} asks again "
        "(or try another --llm)."
    )
    if isinstance(error, ModelBehaviorError):
        return ModelBehaviorError(
            message, near_miss=error.near_miss, problems=error.problems, reply=error.reply
        )
    return ModelUnavailable(message)


def _after_colon(message: str) -> str:
    """The model layer's message without its own 'MODEL gave no usable X' opening."""
    head, sep, rest = message.partition(": ")
    return rest if sep and " gave no usable " in head else message
