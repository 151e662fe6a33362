"""Examiners: the searchable list, the detail page, create/edit forms and the Excel import."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("examiners", __name__)

from . import importing, records, views  # noqa: E402,F401  (the routes register themselves)
