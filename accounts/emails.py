"""The one function that sends every email Practicum sends.

Each email is three templates under templates/emails/: `<name>_subject.txt`,
`<name>_body.txt` and `<name>_body.html` (the HTML one extends emails/base_email.html).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines
from django.template.loader import render_to_string


def _render_plain(name: str, context: dict) -> str:
    """A text template without HTML escaping: "Casey & Co" must not become "Casey &amp; Co"
    in a subject line or a plain-text body."""
    template = engines["django"].get_template(name).template
    return template.render(Context(context, autoescape=False))


def absolute_url(path: str) -> str:
    """`path` ("/invite/abc/") as a full link for emails, built on settings.SITE_URL."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}/{path.lstrip('/')}"


def send_templated_email(
    *,
    to: list[str],
    template: str,
    context: dict,
    headers: dict | None = None,
    reply_to: list[str] | None = None,
) -> None:
    """Render the three templates of `template` with `context` and send one message.

    The context always carries `site_url`; subjects get settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
    and are flattened to one line. Subject and text body are rendered without HTML
    escaping (no `{% autoescape off %}` needed); the HTML body is escaped as usual.
    """
    context = {"site_url": settings.SITE_URL, **context}
    subject = _render_plain(f"emails/{template}_subject.txt", context)
    subject = " ".join(subject.split())
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    if prefix and not subject.startswith(prefix):
        subject = f"{prefix}{subject}"
    text_body = _render_plain(f"emails/{template}_body.txt", context)
    html_body = render_to_string(f"emails/{template}_body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        headers=headers or {},
        reply_to=list(reply_to) if reply_to else None,
    )
    message.attach_alternative(html_body, "text/html")
    message.send()
