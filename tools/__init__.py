"""Capabilities the agents call: model, images, video, voices, editing, exports.

Nothing here knows about agents, the plan or the CLI.
"""
