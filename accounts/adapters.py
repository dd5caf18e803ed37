"""allauth hooks: invitations carried through sign-up and log-in, and branded emails.

An invitation link opened by someone not signed in is remembered in the session. Right
after that person signs up or logs in, and if their account has no role yet, the
invitation is used. Signing up with the invited address counts as verified: only its
owner received the link.
"""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.urls import reverse

logger = logging.getLogger(__name__)

SESSION_INVITATION_KEY = "practicum_invitation"


def remember_session_invitation(request, invitation) -> None:
    request.session[SESSION_INVITATION_KEY] = invitation.token


def forget_session_invitation(request, token: str | None = None) -> None:
    if token is None or request.session.get(SESSION_INVITATION_KEY) == token:
        request.session.pop(SESSION_INVITATION_KEY, None)


def consume_session_invitation(request, user) -> bool:
    """Use the invitation remembered in the session for `user`; True when it was used.
    Whatever happens, it is forgotten: a link is tried once per sign-in."""
    from accounts import services
    from accounts.selectors import invitation_by_token

    token = request.session.pop(SESSION_INVITATION_KEY, None)
    if not token:
        return False
    invitation = invitation_by_token(token)
    if invitation is None:
        return False
    try:
        services.invitation_accept(invitation=invitation, user=user)
    except services.InvitationUnusable as exc:
        messages.warning(request, f"The invitation to {invitation.organization} was not used: {exc.messages[0]}")
        return False
    messages.success(
        request, f"Welcome to {invitation.organization}! You joined as {invitation.get_role_display().lower()}."
    )
    return True


class AccountAdapter(DefaultAccountAdapter):
    def is_email_verified(self, request, email):
        """The invited address counts as verified when the person signs up with it from
        the invitation link: only its owner received the link. (Not allauth's stash,
        which would add the invited address to an account signed up under another one.)"""
        from accounts.selectors import invitation_by_token

        token = request.session.get(SESSION_INVITATION_KEY) if request is not None else None
        if token:
            invitation = invitation_by_token(token)
            if invitation is not None and invitation.is_usable and invitation.email.lower() == email.lower():
                return True
        return super().is_email_verified(request, email)

    def post_login(self, request, user, **kwargs):
        if consume_session_invitation(request, user):
            kwargs["redirect_url"] = reverse("accounts:profile-edit")
        return super().post_login(request, user, **kwargs)

    def send_mail(self, template_prefix, email, context):
        # allauth's own emails (verification, password reset) use the same layout as ours.
        super().send_mail(template_prefix, email, {"site_url": settings.SITE_URL, **context})
