"""Styled error pages, rendered with DEBUG off as a person would see them."""

import pytest
from django.test import Client
from django.urls import reverse


@pytest.fixture(autouse=True)
def no_debug(settings):
    settings.DEBUG = False


def test_404_is_styled(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We couldn’t find that page" in body and "bootstrap.min.css" in body and "Practicum" in body


def test_403_is_styled_and_says_why(client_for, student):
    response = client_for(student).get(reverse("accounts:site-edit"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "You can see this, but you can’t do that" in body
    assert "Only site staff can edit a site profile." in body


def test_500_is_styled_and_standalone(coordinator, monkeypatch):
    def boom(user):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("accounts.views.invitations_for", boom)
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    response = client.get(reverse("accounts:invitation-list"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body and "database on fire" not in body
