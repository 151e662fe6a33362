"""Alert e-mail goes to a local SMTP sink, once per new alert; a dead server fails nothing
(services/alerts/notify.py)."""

from __future__ import annotations

import email
import smtplib
import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from services.alerts.compliance import sweep
from services.alerts.notify import SmtpSettings, send_batch, send_pending

TODAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


class Inbox:
    """An aiosmtpd handler that keeps what it receives, the connections it came over, and
    refuses the recipients in `refused`."""

    def __init__(self) -> None:
        self.received: list[email.message.EmailMessage] = []
        self.sessions: list[object] = []  # one aiosmtpd session per connection
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:
        if address in self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls it by name
        self.received.append(email.message_from_bytes(envelope.content, policy=default))
        if not any(seen is session for seen in self.sessions):
            self.sessions.append(session)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    """A local SMTP sink on 127.0.0.1 and a random port (never the network)."""
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def settings(port: int) -> SmtpSettings:
    env = {
        "PANELPLAN_SMTP_HOST": "127.0.0.1",
        "PANELPLAN_SMTP_PORT": str(port),
        "PANELPLAN_SMTP_FROM": "panelplan@example.org",
        "PANELPLAN_SMTP_TO": "office@example.org, lead@example.org",
    }
    found = SmtpSettings.from_env(env)
    assert found is not None
    return found


def test_settings_come_from_the_environment():
    assert SmtpSettings.from_env({}) is None
    assert SmtpSettings.from_env({"PANELPLAN_SMTP_HOST": "mail"}) is None  # nobody to mail
    full = SmtpSettings.from_env(
        {
            "PANELPLAN_SMTP_HOST": "mail",
            "PANELPLAN_SMTP_TO": "a@x.org",
            "PANELPLAN_SMTP_USER": "u",
            "PANELPLAN_SMTP_PASSWORD": "p",
            "PANELPLAN_SMTP_STARTTLS": "yes",
        }
    )
    assert full == SmtpSettings("mail", 25, "panelplan@localhost", ("a@x.org",), "u", "p", True)


def test_new_alerts_are_mailed_once(db, make, inbox):
    handler, port = inbox
    inst = make.institution(name="常州市测试评价中心")
    person = make.examiner(inst, term=(date(2025, 1, 1), TODAY + timedelta(days=5)))
    opened = sweep(db, inst, TODAY, NOW)
    assert send_pending(db, settings(port), NOW) == 1
    (mail,) = handler.received
    assert mail["To"] == "office@example.org, lead@example.org"
    assert "常州市测试评价中心" in mail["Subject"]
    body = mail.get_content()
    assert person.code in body and "聘期将于" in body and "appointment of" in body
    assert all(a.notified_at == NOW for a in opened)
    sweep(db, inst, TODAY + timedelta(days=1), NOW)  # seen again: not new, not mailed again
    assert send_pending(db, settings(port), NOW) == 0 and len(handler.received) == 1


def test_a_dead_smtp_server_is_logged_and_retried_later(db, make, caplog):
    inst = make.institution()
    make.examiner(inst, term=(date(2025, 1, 1), TODAY))
    (alert,) = sweep(db, inst, TODAY, NOW)
    assert send_pending(db, settings(free_port()), NOW) == 0  # nothing listens there
    assert alert.notified_at is None
    assert "alert e-mail to 127.0.0.1 failed" in caplog.text


def test_no_settings_no_mail(db, make):
    inst = make.institution()
    make.examiner(inst, term=(date(2025, 1, 1), TODAY))
    (alert,) = sweep(db, inst, TODAY, NOW)
    assert send_pending(db, None, NOW) == 0 and alert.notified_at is None


def _mail(to: str) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = "考评任务变更通知", "panelplan@example.org", to
    mail.set_content("您好")
    return mail


def test_a_batch_goes_over_one_connection_and_a_refused_recipient_stops_nothing(inbox):
    handler, port = inbox
    handler.refused = {"gone@example.org"}
    to = ["a@example.org", "gone@example.org", "b@example.org", "c@example.org"]
    results = send_batch(settings(port), [_mail(a) for a in to])
    assert [r is None for r in results] == [True, False, True, True]
    assert isinstance(results[1], smtplib.SMTPRecipientsRefused)
    assert [m["To"] for m in handler.received] == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]
    assert len(handler.sessions) == 1


def test_a_long_batch_opens_a_new_connection_every_so_many_messages(inbox):
    handler, port = inbox
    results = send_batch(settings(port), [_mail(f"e{n}@example.org") for n in range(5)], 2)
    assert results == [None] * 5 and len(handler.received) == 5
    assert len(handler.sessions) == 3  # 2 + 2 + 1


def test_a_batch_to_a_dead_server_fails_each_message():
    results = send_batch(settings(free_port()), [_mail("a@example.org"), _mail("b@example.org")])
    assert len(results) == 2 and all(isinstance(r, OSError) for r in results)
