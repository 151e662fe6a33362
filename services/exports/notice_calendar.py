"""The calendars a notice carries (RFC 5546 iTIP): METHOD:REQUEST for the seats added or
changed, METHOD:CANCEL for the seats removed, built with `icalendar`.

Each event keeps the UID of the plan calendars (`calendar.event_uid`: institution, session,
examiner), so a calendar that imported an earlier file updates or cancels the same event;
SEQUENCE is the plan version (later publications win). Times carry TZID=Asia/Shanghai with
its VTIMEZONE, DTSTAMP is UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress

from .calendar import PRODID, ZONE, event_uid, shanghai


@dataclass(frozen=True)
class Seat:
    """One session of a notice, as its event says it."""

    session: str
    start: datetime  # local clock time (no zone)
    end: datetime
    summary: str
    location: str
    description: str


@dataclass(frozen=True)
class Invitation:
    """Who invites whom, and which publication (SEQUENCE) this is."""

    institution_code: str
    organizer: str  # the sender's address
    examiner_code: str
    examiner_name: str
    attendee: str  # the examiner's address
    sequence: int
    stamp: datetime  # aware


def notice_calendar(method: str, invitation: Invitation, seats: list[Seat]) -> bytes:
    """A REQUEST (seats added or changed) or CANCEL (seats removed) calendar."""
    assert method in ("REQUEST", "CANCEL")
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add_component(shanghai())
    for seat in seats:
        cal.add_component(_event(method, invitation, seat))
    return cal.to_ical()


def _event(method: str, invitation: Invitation, seat: Seat) -> Event:
    event = Event()
    event.add("uid", event_uid(invitation.institution_code, seat.session, invitation.examiner_code))
    event.add("dtstamp", invitation.stamp.astimezone(UTC))
    event.add("sequence", invitation.sequence)
    event.add("dtstart", seat.start.replace(tzinfo=ZONE))
    event.add("dtend", seat.end.replace(tzinfo=ZONE))
    event.add("summary", seat.summary)
    event.add("location", seat.location)
    event.add("description", seat.description)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{invitation.organizer}")
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{invitation.attendee}")
    attendee.params["cn"] = invitation.examiner_name
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = "NEEDS-ACTION"
    event.add("attendee", attendee)
    return event
