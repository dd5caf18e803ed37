"""The demo applications: every state at Mercy General, valid, and a second run adds nothing."""

import io

import pytest
from django.core.management import call_command

from placements.models import HOLDS_SEAT, TRANSITIONS, Application, ApplicationEvent

pytestmark = pytest.mark.django_db


def test_demo_applications_cover_the_states_and_are_idempotent():
    call_command("seed_demo", force=True, stdout=io.StringIO())
    mine = Application.objects.filter(student__email="student@example.com")
    assert set(mine.values_list("status", flat=True)) == {"submitted", "offered", "rejected"}
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {"under_review", "shortlisted", "accepted", "withdrawn", "expired"} <= statuses
    assert not Application.objects.exclude(posting__site__name="Mercy General Hospital").exists()

    for application in Application.objects.prefetch_related("events"):
        events = list(application.events.all())
        assert events[0].from_status == "" and events[-1].to_status == application.status
        assert all((e.from_status, e.to_status) in TRANSITIONS for e in events[1:])
        assert application.resume and application.resume.read().startswith(b"%PDF-")
        seats = application.posting.applications.filter(status__in=HOLDS_SEAT).count()
        assert seats <= application.posting.slots
    offered = mine.get(status="offered")
    assert offered.offer_expires_at is not None
    assert not ApplicationEvent.objects.filter(dispatched_at__isnull=True).exists()  # history notifies no one

    before = (Application.objects.count(), ApplicationEvent.objects.count())
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert (Application.objects.count(), ApplicationEvent.objects.count()) == before
