"""Configuration from the environment; `TestConfig` for the test suite."""

from __future__ import annotations

import os
import secrets

from models.db import database_url


class Config:
    """Production defaults; every value can be set through the environment."""

    def __init__(self) -> None:
        self.DATABASE_URL = database_url()
        # A fixed secret must be set in production (sessions survive restarts and workers).
        self.SECRET_KEY = os.environ.get("PANELPLAN_SECRET_KEY") or secrets.token_hex(32)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = os.environ.get("PANELPLAN_SECURE_COOKIES") == "1"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.WTF_CSRF_ENABLED = True
        self.BABEL_DEFAULT_LOCALE = "zh"
        self.MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # uploads (examiner workbooks) up to 20 MiB
        self.LOGIN_ATTEMPTS = 5  # failed logins per username within LOGIN_WINDOW_MINUTES
        self.LOGIN_WINDOW_MINUTES = 15
        self.TESTING = False


class TestConfig(Config):
    """The test suite's: a given database, a fixed secret."""

    def __init__(self, database_url: str, csrf: bool = True) -> None:
        super().__init__()
        self.DATABASE_URL = database_url
        self.SECRET_KEY = "test-secret"
        self.WTF_CSRF_ENABLED = csrf
        self.TESTING = True
