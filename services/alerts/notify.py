"""E-mail for newly opened alerts (optional): SMTP settings come from the environment.

    PANELPLAN_SMTP_HOST      server; unset: no e-mail (alerts stay in the app)
    PANELPLAN_SMTP_PORT      default 25
    PANELPLAN_SMTP_FROM      sender address
    PANELPLAN_SMTP_TO        recipients, comma-separated
    PANELPLAN_SMTP_USER / PANELPLAN_SMTP_PASSWORD   optional login
    PANELPLAN_SMTP_STARTTLS  1/true/yes to upgrade the connection with STARTTLS

One message per institution lists its open alerts not mailed yet, Chinese then English.
A failure to send is logged and never fails the job: the alerts stay unmailed and the next
run tries again.
"""

from __future__ import annotations

import logging
import os
import smtplib
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Institution
from models.alerts import Alert, AlertState
from services.alerts.store import describe

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send alert e-mail."""

    host: str
    port: int = 25
    sender: str = "panelplan@localhost"
    recipients: tuple[str, ...] = ()
    user: str | None = None
    password: str | None = None
    starttls: bool = False

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, recipients_needed: bool = True
    ) -> SmtpSettings | None:
        """The settings in `PANELPLAN_SMTP_*`, or None when no host (or no recipient) is set.

        Mail to examiners (`services.notices.mail`) names its own recipients: it needs a host only.
        """
        env = os.environ if environ is None else environ
        host = env.get("PANELPLAN_SMTP_HOST")
        recipients = tuple(
            a.strip() for a in env.get("PANELPLAN_SMTP_TO", "").split(",") if a.strip()
        )
        if not host or (recipients_needed and not recipients):
            return None
        return cls(
            host=host,
            port=int(env.get("PANELPLAN_SMTP_PORT", "25")),
            sender=env.get("PANELPLAN_SMTP_FROM", cls.sender),
            recipients=recipients,
            user=env.get("PANELPLAN_SMTP_USER") or None,
            password=env.get("PANELPLAN_SMTP_PASSWORD") or None,
            starttls=env.get("PANELPLAN_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
        )


def send_pending(db: Session, settings: SmtpSettings | None, now: datetime) -> int:
    """Mail the open alerts not mailed yet, one message per institution; how many were sent."""
    if settings is None:
        return 0
    pending: dict[int, list[Alert]] = defaultdict(list)
    query = select(Alert).where(Alert.state == AlertState.OPEN, Alert.notified_at.is_(None))
    for alert in db.scalars(query.order_by(Alert.id)):
        pending[alert.institution_id].append(alert)
    sent = 0
    for institution_id, alerts in pending.items():
        institution = db.get(Institution, institution_id)
        assert institution is not None  # alerts reference their institution
        try:
            send(settings, message(settings, institution, alerts))
        except (OSError, smtplib.SMTPException) as error:
            log.warning("alert e-mail to %s failed: %s", settings.host, error)
            continue
        for alert in alerts:
            alert.notified_at = now
        sent += 1
    db.flush()
    return sent


def message(settings: SmtpSettings, institution: Institution, alerts: list[Alert]) -> EmailMessage:
    """The e-mail listing `alerts`: Chinese, then English."""
    mail = EmailMessage()
    mail["Subject"] = (
        f"[panelplan] {institution.name}：{len(alerts)} 条新提醒 / new alerts: {len(alerts)}"
    )
    mail["From"] = settings.sender
    mail["To"] = ", ".join(settings.recipients)
    lines = []
    for lang in ("zh", "en"):
        for alert in alerts:
            line = describe(alert, lang)
            lines.append(f"#{line.id} {line.text}")
            lines.extend(f"    {detail}" for detail in line.details)
        lines.append("")
    mail.set_content("\n".join(lines))
    return mail


@contextmanager
def connection(settings: SmtpSettings) -> Iterator[smtplib.SMTP]:
    """One SMTP connection, upgraded and logged in as `settings` say; closed on leaving."""
    with smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        yield smtp


def send(settings: SmtpSettings, mail: EmailMessage) -> None:
    """Hand `mail` to the SMTP server (OSError or SMTPException when it fails)."""
    with connection(settings) as smtp:
        smtp.send_message(mail)


PER_CONNECTION = 50  # messages handed over one connection (servers cap what one may carry)
# A server refusing one message (its recipient, its sender, its content) leaves the
# connection usable (smtplib resets the transaction): the next message goes on.
ONE_MESSAGE = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def send_batch(
    settings: SmtpSettings, mails: Sequence[EmailMessage], per_connection: int = PER_CONNECTION
) -> list[Exception | None]:
    """Hand `mails` over one connection per `per_connection` messages; per mail, the error
    that kept it back (None: handed over). Never raises: a failed connection is each unsent
    mail's error."""
    results: list[Exception | None] = []
    for first in range(0, len(mails), per_connection):
        results += _send_over_one(settings, mails[first : first + per_connection])
    return results


def _send_over_one(settings: SmtpSettings, mails: Sequence[EmailMessage]) -> list[Exception | None]:
    results: list[Exception | None] = []
    try:
        with connection(settings) as smtp:
            for mail in mails:
                try:
                    smtp.send_message(mail)
                except ONE_MESSAGE as refused:
                    results.append(refused)
                    continue
                results.append(None)
    except (OSError, smtplib.SMTPException) as error:  # the connection failed: the rest wait
        results += [error] * (len(mails) - len(results))
    return results
