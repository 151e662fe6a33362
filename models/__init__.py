"""The examiner database: typed SQLAlchemy models, engine/session plumbing, migrations."""

from .alerts import Alert, SchedulerState
from .base import Base
from .catalog import Occupation, Venue
from .discipline import ExaminerWarning, Rating, Refusal, Review, Revocation
from .examiner import (
    Appointment,
    Certificate,
    CertificateSerial,
    Examiner,
    Qualification,
    Unavailability,
)
from .filing import FilingBatch, FilingEntry, TrainingPlan
from .history import AuditEvent, Change, audit
from .institution import Institution, Organization, User
from .jobs import JobKind, JobStatus, SolveJob
from .notices import Notice, NoticeSeat, NoticeStatus, SeatChange
from .planning import PanelSeat, Plan, PlanSeat
from .schedule import AssessmentSession, Candidate, Conflict, InvalidResult, SessionCandidate

__all__ = [
    "Alert",
    "Appointment",
    "AssessmentSession",
    "AuditEvent",
    "Base",
    "Candidate",
    "Certificate",
    "CertificateSerial",
    "Change",
    "Conflict",
    "Examiner",
    "ExaminerWarning",
    "FilingBatch",
    "FilingEntry",
    "Institution",
    "InvalidResult",
    "JobKind",
    "JobStatus",
    "Notice",
    "NoticeSeat",
    "NoticeStatus",
    "Occupation",
    "Organization",
    "PanelSeat",
    "Plan",
    "PlanSeat",
    "Qualification",
    "Rating",
    "Refusal",
    "Review",
    "Revocation",
    "SchedulerState",
    "SeatChange",
    "SessionCandidate",
    "SolveJob",
    "TrainingPlan",
    "Unavailability",
    "User",
    "Venue",
    "audit",
]
