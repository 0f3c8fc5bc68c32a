"""The organisers' actions on mediators go into the back office's audit log.

The log (backoffice.models.AuditEntry, written by backoffice.audit.record) belongs to the back office,
which sits above mediators in the layers, so mediators may not import it. Moving the model down would
move a table with years of entries for one caller. Instead mediators says what happened through this
signal, and the back office writes the entry in its receiver (connected in BackofficeConfig.ready).

record() has the signature of backoffice.audit.record. The staff views call it inside the transaction
of the change, after the service has made it: Django runs receivers synchronously in the sender's thread,
so the entry is written in that same transaction, and a failing write undoes the change. A refused change
(a form error, a session not yet begun, an unknown profile) never reaches record(), nor one that changed
nothing (nobody new to invite or enrol). The detail holds ids and counts only: never names, addresses or
languages.
"""

from django.db import transaction
from django.dispatch import Signal

# Sent with request (the organiser's), action (a code named in backoffice.audit.ACTION_LABELS), event (or
# None) and detail (a dict of ids).
staff_action = Signal()


def record(request, action: str, *, event=None, **detail) -> None:
    """Write one audit entry for an organiser's action on mediators (ids only), in the open transaction.

    Raises RuntimeError when nothing receives it: an action that should be in the log is never silently
    left out of it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("An audit entry is written in the transaction of the change it records.")
    if not staff_action.has_listeners():
        raise RuntimeError("Nothing writes the audit log: is the backoffice app installed?")
    staff_action.send(sender=None, request=request, action=action, event=event, detail=detail)
