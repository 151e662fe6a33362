"""`panelplan serve`: the web app under waitress (production: see docs/webapp.md)."""

from __future__ import annotations

import argparse
import gc
from typing import Any


def register(commands: Any) -> None:
    """Add `serve` to the `panelplan` command."""
    serve = commands.add_parser("serve", help="serve the planner web app")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    serve.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: $DATABASE_URL or instance/panelplan.db)",
    )
    serve.set_defaults(run=_serve)


def _serve(args: argparse.Namespace) -> int:
    # waitress is a production WSGI server (pure Python, Windows too); see docs/webapp.md for
    # running behind a reverse proxy or under gunicorn.
    from waitress import serve

    from webapp import create_app
    from webapp.config import Config

    config = Config()
    if args.database:
        config.DATABASE_URL = args.database
    app = create_app(config)
    gc.freeze()  # the modules and the app stay for good: keep them out of full collections
    print(f"panelplan: http://{args.host}:{args.port}/", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads)
    return 0
