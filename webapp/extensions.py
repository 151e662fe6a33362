"""Flask extensions, created unbound; `create_app` binds them."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
