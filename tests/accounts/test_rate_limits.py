"""allauth's rate limits (off in the other tests) refuse a brute-forced login, and the
admin login cannot be used to get around them."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests import factories as f


@pytest.fixture
def rate_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "5/m/ip,5/5m/key"}
    cache.clear()
    yield
    cache.clear()


def _login(client, email, password, url=None):
    return client.post(url or reverse("account_login"), {"login": email, "password": password})


def test_a_brute_forced_login_is_refused_even_with_the_right_password(client, rate_limits, db):
    user = f.UserFactory(email="victim@example.net")
    for _ in range(5):
        response = _login(client, user.email, "wrong-guess")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    response = _login(client, user.email, f.PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_without_failures_the_right_password_logs_in(client, rate_limits, db):
    user = f.UserFactory(email="fine@example.net")
    assert _login(client, user.email, f.PASSWORD).status_code == 302
    assert "_auth_user_id" in client.session


def test_the_admin_login_sends_everyone_through_the_protected_login(client, rate_limits, platform_staff):
    # Posting credentials to the admin's own form logs nobody in: it redirects to
    # allauth's login, which counts the failures.
    response = client.post("/admin/login/", {"username": platform_staff.email, "password": f.PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    for _ in range(5):
        _login(client, platform_staff.email, "wrong-guess", url=response["Location"])
    _login(client, platform_staff.email, f.PASSWORD, url=response["Location"])
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_the_admin_refuses_signed_in_people_who_are_not_staff(client_for, student):
    assert client_for(student).get("/admin/login/").status_code == 403
    assert client_for(student).get("/admin/").status_code == 302
