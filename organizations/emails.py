"""The account e-mails (invitation, join request approved or declined, address verification).

Each is a subject and a plain-text body under ``organizations/templates/organizations/email/``,
rendered in the recipient's language. Services call ``send_after_commit`` so that nothing is sent for
a change that was rolled back.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def render(template: str, *, language: str, context: dict) -> tuple[str, str]:
    """``(subject, body)`` of ``template`` in ``language``."""
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"organizations/email/{template}_subject.txt", context)
        body = render_to_string(f"organizations/email/{template}.txt", context)
    return " ".join(subject.split()), body


def send(template: str, *, to: str, language: str, context: dict) -> None:
    subject, body = render(template, language=language, context=context)
    EmailMessage(subject=subject, body=body, to=[to], headers={"Content-Language": language}).send()


def send_after_commit(template: str, *, to: str, language: str, context: dict) -> None:
    transaction.on_commit(lambda: send(template, to=to, language=language, context=context))
