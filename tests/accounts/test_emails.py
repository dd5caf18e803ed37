import pytest
from django.core import mail

from accounts.emails import absolute_url, send_templated_email
from accounts.models import Role
from tests import factories as f


def test_absolute_url_builds_on_site_url(settings):
    settings.SITE_URL = "https://practicum.example"
    assert absolute_url("/invite/abc/") == "https://practicum.example/invite/abc/"
    assert absolute_url("invite/abc/") == "https://practicum.example/invite/abc/"
    assert absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"


@pytest.mark.django_db
def test_send_templated_email_sends_subject_text_and_html(settings):
    settings.SITE_URL = "https://practicum.example"
    invitation = f.InvitationFactory(role=Role.COORDINATOR, email="pat@example.net")
    send_templated_email(
        to=["pat@example.net"],
        template="invitation",
        context={
            "invitation": invitation,
            "inviter_name": "Casey <Ng>",
            "organization": invitation.organization,
            "role_label": "coordinator",
            "program": None,
            "accept_url": "https://practicum.example/invite/t/",
            "expires_at": invitation.expires_at,
            "valid_days": 14,
        },
        headers={"X-Practicum-Kind": "invitation"},
        reply_to=["casey@example.net"],
    )
    (message,) = mail.outbox
    assert message.subject.startswith("[Practicum] Casey <Ng> invites you")
    assert "\n" not in message.subject
    assert message.to == ["pat@example.net"] and message.reply_to == ["casey@example.net"]
    assert message.extra_headers["X-Practicum-Kind"] == "invitation"
    assert "Casey <Ng> invites you" in message.body  # plain text is not HTML-escaped
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Casey &lt;Ng&gt;" in html  # HTML is escaped
    assert 'href="https://practicum.example/"' in html  # the layout's header links home
