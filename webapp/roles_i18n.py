"""Role names as msgids, so the extractor finds them (templates translate `role.value`)."""

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "admin": _l("admin"),
    "planner": _l("planner"),
    "viewer": _l("viewer"),
    "city": _l("city"),
}
