"""Every change to a decision letter happens here.

A letter is created (pending) inside the decision's transaction, rendered once by a task after the
commit, then e-mailed once. A rendered letter never changes; ``letter_reissue`` makes a new one that
supersedes it.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import Invalid, NotPermitted, WrongState
from organizations.access import access_for
from organizations.accounts import verified_email
from organizations.models import User

from . import rendering
from .models import Decision, Letter, LetterStatus
from .queue import after_commit, letter_email_wanted, letter_render_wanted

logger = logging.getLogger(__name__)

DECISIONS = {"approve": Decision.APPROVED, "reject": Decision.REJECTED}


def _queue_render(letter_id: int) -> None:
    after_commit(letter_render_wanted, Letter, letter_id)


def _queue_email(letter_id: int) -> None:
    after_commit(letter_email_wanted, Letter, letter_id)


def _next_sequence(application_id: int) -> int:
    last = Letter.objects.filter(application_id=application_id).aggregate(last=Max("sequence"))["last"]
    return (last or 0) + 1


def letter_on_transition(*, application, log) -> None:
    """The ``applications.events`` handler: a decision gets its letter."""
    if log.transition in DECISIONS:
        letter_create_for_decision(application=application, log=log)


def letter_create_for_decision(*, application, log) -> Letter:
    """The first letter of a decision, pending; runs inside the decision's transaction.

    Called twice for one decision, it returns the letter it made the first time.
    """
    with transaction.atomic():
        letter = Letter.objects.filter(
            application=application, decision_log=log, supersedes__isnull=True
        ).first()
        if letter is None:
            letter = Letter.objects.create(
                application=application, decision_log=log, sequence=_next_sequence(application.pk),
                decision=DECISIONS[log.transition],
                language=application.organization.preferred_language,
            )
            _queue_render(letter.pk)
    return letter


def _may_manage_letters(user: User) -> bool:
    access = access_for(user)
    return access.is_secretariat or access.is_administrator


def letter_reissue(*, letter_id: int, by: User, reason: str) -> Letter:
    """A correction: a new letter, rendered from the application as it is now, that supersedes
    ``letter_id``. Only the latest letter of a decision can be superseded."""
    if not _may_manage_letters(by):
        raise NotPermitted()
    if not (reason or "").strip():
        raise Invalid({"reason": [_("Say why the letter is corrected.")]})
    from applications.models import Application

    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter_id)
        # Lock the application too: it serialises the letter numbers of one application.
        application = Application.objects.select_for_update(of=("self",)).select_related(
            "organization", "fund"
        ).get(pk=letter.application_id)
        if Letter.objects.filter(supersedes=letter).exists():
            raise WrongState(_("This letter has already been replaced by a newer one."))
        if letter.status == LetterStatus.PENDING:
            raise WrongState(_("This letter is still being prepared."))
        new = Letter.objects.create(
            application=application, decision_log_id=letter.decision_log_id,
            sequence=_next_sequence(application.pk), decision=letter.decision,
            language=application.organization.preferred_language, supersedes=letter,
            reissue_reason=reason.strip(), created_by=by,
        )
        _queue_render(new.pk)
    return new


def letter_retry(*, letter_id: int, by: User) -> Letter:
    """Staff ask for a failed letter to be rendered again (after fixing what made it fail)."""
    if not _may_manage_letters(by):
        raise NotPermitted()
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter_id)
        if letter.status != LetterStatus.FAILED:
            raise WrongState(_("Only a letter that failed can be prepared again."))
        letter.status = LetterStatus.PENDING
        letter.save(update_fields=["status"])
        _queue_render(letter.pk)
    return letter


def _letter_for_rendering(letter_id: int) -> Letter:
    return Letter.objects.select_related(
        "application__organization", "application__fund", "decision_log__by",
        "supersedes__application__fund",
    ).get(pk=letter_id)


def letter_render(*, letter_id: int) -> Letter:
    """Render and store a pending letter; any other letter is left as it is.

    The PDF is rendered outside any transaction (it takes a while), then stored under the row lock
    only if the letter is still pending, so two workers racing produce one file.
    """
    letter = _letter_for_rendering(letter_id)
    if letter.status != LetterStatus.PENDING:
        return letter
    pdf = rendering.letter_pdf(letter)
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter_id)
        if locked.status != LetterStatus.PENDING:
            return locked
        letter.file.save(letter_path_name(letter), ContentFile(pdf), save=False)
        letter.sha256 = hashlib.sha256(pdf).hexdigest()
        letter.size = len(pdf)
        letter.status = LetterStatus.RENDERED
        letter.attempts = locked.attempts + 1
        letter.error = ""
        letter.rendered_at = timezone.now()
        letter.save(update_fields=["file", "sha256", "size", "status", "attempts", "error", "rendered_at"])
        _queue_email(letter.pk)
    return letter


def letter_path_name(letter: Letter) -> str:
    return f"{letter.reference}.pdf"


def letter_record_failure(*, letter_id: int, error: str, final: bool) -> Letter:
    """Count a failed rendering; after the last retry the letter shows as failed to staff."""
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter_id)
        if letter.status != LetterStatus.PENDING:
            return letter
        letter.attempts += 1
        letter.error = error[:4000]
        if final:
            letter.status = LetterStatus.FAILED
        letter.save(update_fields=["attempts", "error", "status"])
    return letter


def letter_recipients(letter: Letter) -> list[str]:
    """The organisation's contact addresses (recorded by CLAC) and its people's verified addresses:
    a letter is a financial document, so an address nobody has confirmed never receives it."""
    organization = letter.application.organization
    people = organization.members.filter(is_active=True).order_by("pk")
    addresses = [*(organization.contact_emails or []),
                 *filter(None, (verified_email(person) for person in people))]
    unique: dict[str, str] = {}
    for address in addresses:
        address = (address or "").strip()
        if address and address.lower() not in unique:
            unique[address.lower()] = address
    return list(unique.values())


def letter_email(*, letter_id: int) -> bool:
    """E-mail an issued letter to the organisation's contacts, once. True when sent now."""
    with transaction.atomic():
        letter = (
            Letter.objects.select_for_update(of=("self",))
            .select_related("application__organization", "application__fund")
            .get(pk=letter_id)
        )
        if letter.emailed_at is not None or letter.status != LetterStatus.RENDERED:
            return False
        recipients = letter_recipients(letter)
        if not recipients:
            logger.warning("Letter %s has no one to e-mail it to.", letter.reference)
            return False
        message = _letter_message(letter, recipients)
        # Sent under the row lock and recorded in the same transaction: a second task waits, then
        # sees emailed_at and sends nothing.
        message.send()
        letter.emailed_at = timezone.now()
        letter.emailed_to = recipients
        letter.save(update_fields=["emailed_at", "emailed_to"])
    return True


def _letter_message(letter: Letter, recipients: list[str]) -> EmailMessage:
    application = letter.application
    with translation.override(letter.language):
        fund = str(application.fund.name)
        subject = _("Decision letter %(reference)s: %(fund)s") % {"reference": letter.reference,
                                                                   "fund": fund}
        if letter.supersedes_id:
            intro = _("attached is a corrected decision letter on your application %(application)s to the "
                      "%(fund)s. It replaces the letter sent before.")
        else:
            intro = _("attached is the decision letter on your application %(application)s to the %(fund)s.")
        body = "\n\n".join([
            _("Dear members of %(organization)s,") % {"organization": application.organization.short_name},
            intro % {"application": application.reference, "fund": fund},
            _("You can also download it at any time from Fondos."),
            _("Fondos · CLAC"),
        ])
    with letter.file.open("rb") as stored:
        content = stored.read()
    message = EmailMessage(subject=subject, body=body, to=recipients)
    message.attach(letter_path_name(letter), content, "application/pdf")
    return message
