import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_database_and_eager_broker(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "mode": "eager"}


@pytest.mark.django_db
def test_taxonomy_ships_with_migrations():
    from accounts.models import Discipline, Specialty

    assert Discipline.objects.filter(slug="nursing").exists()
    assert Specialty.objects.get(slug="cardiology").disciplines.filter(slug="medicine").exists()


def test_personas_log_in_and_reach_their_dashboard(personas, client_for):
    for name, user in personas.items():
        response = client_for(user).get(reverse("dashboard"))
        if user is None:
            assert response.status_code == 302, name
        else:
            assert response.status_code == 200, name
