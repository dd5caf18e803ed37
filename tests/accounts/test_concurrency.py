"""One user, one role, also when two requests race (two tabs, a double click).
Real threads with their own connections, on PostgreSQL."""

import threading

import pytest
from django.db import connection

from accounts import services
from accounts.models import Invitation, Role, User
from tests import factories as f


def _race(*jobs):
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait()
            job()
            results[i] = "ok"
        except Exception as exc:  # the loser's refusal is the point of the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_invitations_accepted_at_once_give_one_role(attempt):
    school = f.SchoolFactory()
    site = f.SiteFactory()
    coordinator = f.CoordinatorFactory(school=school)
    staff = f.SiteStaffFactory(site=site)
    program = f.ProgramFactory(school=school)
    person = f.UserFactory(email="both@example.net")
    to_school = services.invitation_create(
        invited_by=coordinator, email=person.email, role=Role.STUDENT, program=program
    )
    to_site = services.invitation_create(invited_by=staff, email=person.email, role=Role.MENTOR)

    def accept(invitation):
        return lambda: services.invitation_accept(
            invitation=Invitation.objects.get(pk=invitation.pk), user=User.objects.get(pk=person.pk)
        )

    results = _race(accept(to_school), accept(to_site))
    assert results.count("ok") == 1, results
    person.refresh_from_db()
    assert person.role in (Role.STUDENT, Role.MENTOR)
    assert (person.school_id is None) != (person.site_id is None)
    # The losing invitation stays unused, so it can be revoked or sent to someone else.
    assert Invitation.objects.filter(accepted_at__isnull=False).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_link_accepted_twice_at_once_is_used_once():
    school = f.SchoolFactory()
    coordinator = f.CoordinatorFactory(school=school)
    program = f.ProgramFactory(school=school)
    person = f.UserFactory(email="twice@example.net")
    invitation = services.invitation_create(
        invited_by=coordinator, email=person.email, role=Role.STUDENT, program=program
    )

    def accept():
        services.invitation_accept(
            invitation=Invitation.objects.get(pk=invitation.pk), user=User.objects.get(pk=person.pk)
        )

    results = _race(accept, accept)
    assert results.count("ok") == 1, results
    invitation.refresh_from_db()
    assert invitation.accepted_by_id == person.pk
