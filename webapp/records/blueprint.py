"""The records blueprint object, shared by the topic modules that add routes to it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from .labels import label

blueprint = Blueprint("records", __name__, url_prefix="/records")


@blueprint.context_processor
def helpers() -> dict[str, Any]:
    """What the records templates use beside the app's helpers."""
    return {"label": label}
