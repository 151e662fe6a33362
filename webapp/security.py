"""Response headers every page carries, and the one check of a `next` address to return to.

The Content Security Policy allows scripts, styles, images and fonts from this site only:
no inline script, no inline style, no `eval`; pages are never framed by another site
(`frame-ancestors 'none'`, and `X-Frame-Options: DENY` for older browsers); forms post
only to this site. Templates therefore keep scripts and styles in `static/` (a dynamic
width is drawn as SVG attributes, never a `style=`). See docs/security.md.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def init_app(app: Flask) -> None:
    """Add the security headers to every response."""
    app.after_request(add_headers)


def add_headers(response: Response) -> Response:
    """Set each header the view has not set itself."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SESSION_COOKIE_SECURE"):  # served over HTTPS only
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def same_site_path(target: str | None) -> str | None:
    """`target` when it is a path on this site (`/examiners?page=2`), else None.

    Browsers drop tabs and line breaks inside a URL and read `\\` as `/`, so `/\\t/evil.example`
    and `/\\\\evil.example` lead to another host: anything but printable characters, a
    leading `//`, or a scheme or host once parsed is refused.
    """
    if not target or not target.startswith("/") or not target.isprintable():
        return None
    if any(c.isspace() for c in target) or "\\" in target or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
