"""The planner's language: the UI's locale (cookie `lang`) and the services' language code."""

from __future__ import annotations

from flask import request
from flask_babel import get_locale

LOCALES = ("zh", "en")


def select_locale() -> str:
    """Chinese unless the planner chose English (cookie `lang`)."""
    chosen = request.cookies.get("lang")
    return chosen if chosen in LOCALES else "zh"


def service_lang() -> str:
    """The services' language code (`zh` / `en`) for the current request."""
    return "en" if str(get_locale()) == "en" else "zh"
