"""Run the Alembic migrations programmatically (`panelplan init-db`, tests, the demo)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

# Tables the application does not own: APScheduler's job store creates its own in the same
# database, and autogenerate must never propose to drop it.
FOREIGN_TABLES = frozenset({"apscheduler_jobs"})


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic's filter: leave tables the application does not own out of comparisons."""
    return not (type_ == "table" and name in FOREIGN_TABLES)


def alembic_config(url: str | None = None) -> Config:
    """The Alembic configuration; migrations ship inside the `models` package."""
    config = Config()
    config.set_main_option("script_location", "models:migrations")
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def schema_state(engine: Engine) -> str:
    """`current`, `empty` (never migrated) or `outdated` (older than the code's migrations)."""
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        return "empty"
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return "current" if current == head else "outdated"


def upgrade(bind: Engine | Connection, revision: str = "head") -> None:
    """Bring the database at `bind` to `revision` (default: the newest)."""
    _run(bind, command.upgrade, revision)


def downgrade(bind: Engine | Connection, revision: str = "base") -> None:
    """Take the database at `bind` back to `revision` (default: empty)."""
    _run(bind, command.downgrade, revision)


def _run(bind: Engine | Connection, step: Callable[[Config, str], None], revision: str) -> None:
    config = alembic_config()
    opened = bind.begin() if isinstance(bind, Engine) else nullcontext(bind)
    with opened as connection:
        config.attributes["connection"] = connection
        step(config, revision)
