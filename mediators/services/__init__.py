"""Every state change for mediators: invitations, enrolments, replies, attendance, certificates, and the
survey on a series (asked through the feedback app, see series_feedback.py). One module per topic; callers
import the names from here."""

from mediators.services.attendance import (
    AttendanceTooEarly,
    attended_count,
    certificate_date,
    certificate_due,
    counts,
    has_begun,
    is_certified,
    record_attendance,
    sessions_that_count,
    took_place,
    when_it_begins,
)
from mediators.services.importing import check_import, import_mediators, pool_states
from mediators.services.invitations import (
    INVITATION_MAX_AGE,
    INVITATION_SALT,
    accept_invitation,
    invitation_context,
    invitation_token,
    invite,
    user_from_invitation,
)
from mediators.services.messages import message_context, session_context, session_when
from mediators.services.pool import pool, renew_feed, set_active
from mediators.services.reminders import send_session_reminders
from mediators.services.series import ReplyTooLate, enrol, replies_for, reply, session_changed, sessions_of
from mediators.services.series_feedback import (
    FEEDBACK_KIND,
    attended_sessions,
    feedback_invitation_context,
    feedback_respondent,
    give_feedback,
    invite_to_feedback,
    series_survey,
)

__all__ = [
    "FEEDBACK_KIND",
    "INVITATION_MAX_AGE",
    "INVITATION_SALT",
    "AttendanceTooEarly",
    "ReplyTooLate",
    "accept_invitation",
    "attended_count",
    "attended_sessions",
    "certificate_date",
    "certificate_due",
    "check_import",
    "counts",
    "enrol",
    "feedback_invitation_context",
    "feedback_respondent",
    "give_feedback",
    "has_begun",
    "import_mediators",
    "invitation_context",
    "invitation_token",
    "invite",
    "invite_to_feedback",
    "is_certified",
    "message_context",
    "pool",
    "pool_states",
    "record_attendance",
    "renew_feed",
    "replies_for",
    "reply",
    "send_session_reminders",
    "series_survey",
    "session_changed",
    "session_context",
    "session_when",
    "sessions_of",
    "sessions_that_count",
    "set_active",
    "took_place",
    "user_from_invitation",
    "when_it_begins",
]
