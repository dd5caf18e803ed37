"""The coordinator's decisions on accepted offers: approve (the application becomes the
placement), deny, and cancel an approved placement. Every status change goes through
placements.services.transitions.application_transition, which checks the move, writes
the event row and schedules the notifications.
"""

from django.db import transaction
from django.utils.formats import date_format

from placements.models import Application
from placements.selectors.agreements import agreement_covering
from placements.services.transitions import TransitionRefused, TransitionResult, application_transition

S = Application.Status
MAX_REASON = 2000


def _reason(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise TransitionRefused(f"Give a reason for the {what}; the student sees it.")
    if len(text) > MAX_REASON:
        raise TransitionRefused(f"Keep the reason under {MAX_REASON} characters.")
    return text


def placement_approve(
    *,
    application_id: int,
    actor,
    requirements_met: bool = False,
    override_reason: str = "",
) -> TransitionResult:
    """Approve an accepted offer as the student's coordinator.

    Refused (TransitionRefused, nothing written) when the coordinator's school is not
    verified, when no active affiliation agreement covers the placement's dates and
    discipline, or when the posting lists compliance requirements and the coordinator
    neither confirms them met nor gives an override reason. The confirmation or the
    override is recorded in the event's reason.
    """
    override_reason = (override_reason or "").strip()
    if len(override_reason) > MAX_REASON:
        raise TransitionRefused(f"Keep the override reason under {MAX_REASON} characters.")
    with transaction.atomic():
        # Lock order: application, then agreement (then posting, inside the transition),
        # the same everywhere. The application lock makes a double submit or two
        # coordinators approving at once take turns; the second is refused below.
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("posting__site", "posting__discipline", "student__school")
            .get(pk=application_id)
        )
        if application.status != S.ACCEPTED:
            label = S(application.status).label.lower()
            raise TransitionRefused(f"Only an accepted offer can be approved; this application is {label}.")
        school = application.student.school
        if actor is None or not actor.is_coordinator or actor.school_id != application.student.school_id:
            raise TransitionRefused("Only the student's school coordinator can approve this placement.")
        if not school.verified:
            raise TransitionRefused(
                f"{school} is waiting for verification; placements can be approved once Practicum staff verify it."
            )
        posting = application.posting
        # Locked: agreement_terminate waits for this transaction, so the agreement this
        # approval relies on cannot be terminated between the check and the commit.
        agreement = agreement_covering(
            school.pk, posting.site_id, posting.discipline_id, posting.start_date, posting.end_date, lock=True
        )
        if agreement is None:
            raise TransitionRefused(
                f"No active affiliation agreement between {school} and {posting.site} covers "
                f"{posting.discipline} from {_day(posting.start_date)} to {_day(posting.end_date)}. "
                "Record or renew the agreement first. Nothing was changed."
            )
        lines = [f"Covered by the affiliation agreement with {posting.site} until {_day(agreement.end_date)}."]
        if posting.requirements.strip():
            if override_reason:
                lines.append(f"Compliance requirements overridden by the coordinator: {override_reason}")
            elif requirements_met:
                lines.append("Compliance requirements confirmed as met by the coordinator.")
            else:
                raise TransitionRefused(
                    "Confirm that the student meets the posting's compliance requirements, "
                    "or give a reason to override them. Nothing was changed."
                )
        return application_transition(
            application_id=application.pk,
            actor=actor,
            to_status=S.APPROVED,
            reason=" ".join(lines),
            expected_from=S.ACCEPTED,
        )


def placement_deny(*, application_id: int, actor, reason: str) -> TransitionResult:
    """Deny an accepted offer; the reason is shown to the student. The seat frees up."""
    reason = _reason(reason, "denial")
    return application_transition(
        application_id=application_id,
        actor=actor,
        to_status=S.DENIED,
        reason=reason,
        updates={"decision_reason": reason},
    )


def placement_cancel(*, application_id: int, actor, reason: str) -> TransitionResult:
    """Cancel an approved placement; the reason is shown to the student and the site."""
    reason = _reason(reason, "cancellation")
    return application_transition(
        application_id=application_id,
        actor=actor,
        to_status=S.CANCELLED,
        reason=reason,
        updates={"decision_reason": reason},
    )


def _day(value) -> str:
    return date_format(value, "j M Y")
