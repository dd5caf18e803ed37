"""Notifications: the in-app centre, email, match fan-out, deadline scans.

The two entry points that other services reach through placements.tasks are
`application_event_dispatch` (a status change's outbox row) and `posting_match_fanout`
(a posting was published). Everything that writes a notification goes through
_common.insert_notifications / create_notifications and its unique key.
"""

from .centre import (
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_set,
    notification_unsubscribe,
)
from .delivery import (
    EmailDeliveryFailed,
    notification_digest_send,
    notification_email_send,
    notification_emails_send,
)
from .events import application_event_dispatch
from .fanout import posting_match_fanout
from .scans import (
    agreement_expiry_scan,
    application_deadline_scan,
    approval_reminder_scan,
    notifications_outbox_sweep,
    offer_deadline_scan,
)

__all__ = [
    "EmailDeliveryFailed",
    "agreement_expiry_scan",
    "application_deadline_scan",
    "application_event_dispatch",
    "approval_reminder_scan",
    "notification_digest_send",
    "notification_email_send",
    "notification_emails_send",
    "notification_mark_all_read",
    "notification_mark_read",
    "notification_preferences_set",
    "notification_unsubscribe",
    "notifications_outbox_sweep",
    "offer_deadline_scan",
    "posting_match_fanout",
]
