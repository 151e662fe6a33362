"""The planner web app: `create_app(config)` builds it (app factory)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, render_template
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models.base import Role, local_time
from services.institution.queries import institution_name

from . import database, guard, plans, rules, security
from .config import Config
from .extensions import babel, csrf, login_manager
from .language import select_locale
from .roles import may

# The top menu: (endpoint, label msgid, minimum role). A blueprint adds its entry here; the
# template shows only entries whose endpoint is registered and whose role the user has.
MENU: tuple[tuple[str, str, Role], ...] = (
    ("main.home", _l("Start"), Role.VIEWER),
    ("examiners.index", _l("Examiners"), Role.VIEWER),
    ("planning.plans", _l("Plans"), Role.VIEWER),
    ("edits.whatif", _l("What if"), Role.PLANNER),
    ("records.index", _l("Records and settings"), Role.VIEWER),
    ("city.index", _l("Institutions and filings"), Role.CITY),  # the city centre's only entry
)


def create_app(config: Any = None) -> Flask:
    """Build the app from a `Config` (default: the environment's)."""
    app = Flask(__name__)
    app.config.from_object(config or Config())
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extensions and the per-request database session."""
    database.init_app(app)
    guard.init_app(app)  # before the blueprints: it bounds their <int:...> route parts
    plans.init_app(app)
    rules.init_app(app)
    security.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page says why by itself


def register_blueprints(app: Flask) -> None:
    """One blueprint per feature."""
    from .api.views import blueprint as api
    from .auth.views import blueprint as auth
    from .city import blueprint as city
    from .edits import blueprint as edits
    from .examiners import blueprint as examiners
    from .main.views import blueprint as main
    from .notices import blueprint as notices
    from .planning import blueprint as planning
    from .records import blueprint as records

    app.register_blueprint(api)
    app.register_blueprint(auth)
    app.register_blueprint(city)
    app.register_blueprint(edits)
    app.register_blueprint(examiners)
    app.register_blueprint(main)
    app.register_blueprint(notices)
    app.register_blueprint(records)
    app.register_blueprint(planning)


def register_errorhandlers(app: Flask) -> None:
    """Planner-facing error pages: never a traceback."""

    def render_error(error: Any) -> tuple[str, int]:
        code = getattr(error, "code", 500) or 500
        return render_template("error.html", code=code), code

    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, render_error)


def register_template_helpers(app: Flask) -> None:
    """What every template may use: the user's role checks, the language, and `local` (a stored
    time on the institutions' clock: `{{ plan.created_at|local }}`)."""

    @app.template_filter("local")
    def local(moment: datetime | None, form: str = "%Y-%m-%d %H:%M") -> str:
        return local_time(moment).strftime(form) if moment else ""

    @app.context_processor
    def helpers() -> dict[str, Any]:
        menu = [
            (endpoint, label)
            for endpoint, label, role in MENU
            if endpoint in app.view_functions and may(role)
        ]
        locale = str(get_locale())
        chinese = locale != "en"
        return {
            "may": may,
            "current_user": current_user,
            "workplace": _workplace,
            "locale": locale,
            "menu": menu,
            "Role": Role,
            # punctuation set beside translated words: full-width in Chinese text
            "colon": "：" if chinese else ": ",
            "parens": ("（", "）") if chinese else (" (", ")"),
        }


def _workplace() -> str:
    """Whose data the signed-in user sees: their institution's name, or the city centre."""
    if current_user.role == Role.CITY or current_user.institution_id is None:
        return str(_l("City centre"))
    return institution_name(database.db(), current_user.institution_id) or ""
