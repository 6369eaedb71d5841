"""Rendering once, retrying failures, superseding, e-mailing once."""

from unittest import mock

import pytest

from core.errors import NotPermitted, WrongState
from letters import services
from letters.models import Letter, LetterStatus
from letters.tasks import email_letter, render_letter
from organizations.choices import Role
from tests.factories import OppUserFactory, staff_user

from .conftest import letter_mails, pdf_text

pytestmark = pytest.mark.django_db


def test_decision_makes_one_rendered_letter(decide):
    letter = decide(language="es")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RENDERED
    assert letter.attempts == 1
    # Tests reuse ids after each rollback, so the storage may have added a suffix to the name.
    assert letter.file.name.startswith(f"letters/{letter.application_id}/{letter.reference}")
    assert letter.file.name.endswith(".pdf")
    assert letter.file.read()[:5] == b"%PDF-"
    assert Letter.objects.filter(application=letter.application).count() == 1


def test_running_the_task_twice_keeps_one_letter_and_one_file(decide):
    letter = decide(language="fr")
    letter.refresh_from_db()
    first = (letter.file.name, letter.sha256, letter.rendered_at)

    with mock.patch("letters.rendering.html_to_pdf") as renderer:
        render_letter.delay(letter.pk)
        render_letter.apply(args=[letter.pk])
    renderer.assert_not_called()

    letter.refresh_from_db()
    assert (letter.file.name, letter.sha256, letter.rendered_at) == first
    assert letter.attempts == 1
    assert Letter.objects.filter(application=letter.application).count() == 1


def test_a_duplicated_transition_handler_call_makes_no_second_letter(decide):
    letter = decide(language="es")
    log = letter.decision_log
    again = services.letter_create_for_decision(application=letter.application, log=log)
    services.letter_on_transition(application=letter.application, log=log)
    assert again.pk == letter.pk
    assert Letter.objects.filter(application=letter.application).count() == 1


def test_the_database_refuses_a_second_first_letter_for_one_decision(decide):
    from django.db import IntegrityError, transaction

    letter = decide(language="es")
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.create(application=letter.application, decision_log=letter.decision_log,
                              sequence=2, decision=letter.decision, language="es")


def test_other_transitions_make_no_letter(django_capture_on_commit_callbacks):
    from tests.workflow import drive

    with django_capture_on_commit_callbacks(execute=True):
        application = drive(fund_code="catastrophic-events", to="committee_review")
    assert not Letter.objects.filter(application=application).exists()


def test_failed_rendering_is_retried_then_shown_as_failed(decide, api_as, embedded_celery):
    with mock.patch("letters.rendering.html_to_pdf", side_effect=OSError("disk full")) as renderer:
        letter = decide(language="pt")
    letter.refresh_from_db()
    assert renderer.call_count == render_letter.max_retries + 1
    assert letter.status == LetterStatus.FAILED
    assert letter.attempts == render_letter.max_retries + 1
    assert letter.error == "OSError: disk full"
    assert not letter.file
    assert letter_mails() == []

    secretariat = staff_user(Role.SECRETARIAT)
    shown = api_as(secretariat).get(f"/api/v1/applications/{letter.application_id}/letters/").json()
    assert shown[0]["status"] == "failed"
    assert shown[0]["error"] == "OSError: disk full"
    opp_view = api_as(letter.application.created_by).get(
        f"/api/v1/applications/{letter.application_id}/letters/").json()
    assert opp_view[0]["status"] == "failed"
    assert "error" not in opp_view[0]
    assert api_as(letter.application.created_by).get(f"/api/v1/letters/{letter.pk}/pdf/").status_code == 409


def test_a_transient_failure_is_retried_and_the_letter_issued(decide, embedded_celery):
    from letters import rendering

    real = rendering.html_to_pdf
    calls = []

    def flaky(html):
        calls.append(html)
        if len(calls) < 3:
            raise ConnectionError("storage unavailable")
        return real(html)

    with mock.patch("letters.rendering.html_to_pdf", side_effect=flaky):
        letter = decide(language="es")
    letter.refresh_from_db()
    assert len(calls) == 3
    assert letter.status == LetterStatus.RENDERED
    assert letter.attempts == 3
    assert letter.error == ""
    assert len(letter_mails()) == 1


def test_staff_retry_a_failed_letter(decide, django_capture_on_commit_callbacks, embedded_celery):
    with mock.patch("letters.rendering.html_to_pdf", side_effect=OSError("disk full")):
        letter = decide(language="es")
    with pytest.raises(NotPermitted):
        services.letter_retry(letter_id=letter.pk, by=letter.application.created_by)
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_retry(letter_id=letter.pk, by=staff_user(Role.SECRETARIAT))
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RENDERED
    with pytest.raises(WrongState):
        services.letter_retry(letter_id=letter.pk, by=staff_user(Role.SECRETARIAT))


def test_reissue_makes_a_new_letter_that_supersedes_the_old(decide, django_capture_on_commit_callbacks):
    letter = decide(language="en")
    letter.refresh_from_db()
    old = (letter.file.name, letter.sha256, letter.file.read())
    application = letter.application
    secretariat = staff_user(Role.SECRETARIAT)

    with pytest.raises(NotPermitted):
        services.letter_reissue(letter_id=letter.pk, by=application.created_by, reason="Typo")
    with django_capture_on_commit_callbacks(execute=True):
        new = services.letter_reissue(letter_id=letter.pk, by=secretariat,
                                      reason="The organisation's name was misspelt.")
    new.refresh_from_db()
    letter.refresh_from_db()

    assert new.sequence == 2
    assert new.reference == f"{application.reference}-L2"
    assert new.supersedes == letter
    assert letter.superseded_by == new
    assert new.status == LetterStatus.RENDERED
    assert new.sha256 != letter.sha256
    assert (letter.file.name, letter.sha256, letter.file.read()) == old
    text = pdf_text(new.file.read())
    assert f"This letter replaces letter {letter.reference}" in text
    assert "The organisation's name was misspelt." in text

    with pytest.raises(WrongState):
        services.letter_reissue(letter_id=letter.pk, by=secretariat, reason="Again")
    assert Letter.objects.filter(application=application).count() == 2
    assert [m.subject for m in letter_mails()] == [
        f"Decision letter {letter.reference}: Catastrophic events fund",
        f"Decision letter {new.reference}: Catastrophic events fund",
    ]


def test_the_letter_is_emailed_once_with_the_pdf_attached(decide):
    applicant = OppUserFactory(organization__preferred_language="pt",
                               organization__contact_emails=["Direccion@coop.example", "info@coop.example"],
                               email="direccion@coop.example")
    colleague = OppUserFactory(organization=applicant.organization, email="tesoreria@coop.example",
                               email_verified="tesoreria@coop.example")
    OppUserFactory(organization=applicant.organization, email="gone@coop.example", is_active=False,
                   email_verified="gone@coop.example")
    # An address its owner never confirmed receives no financial document.
    OppUserFactory(organization=applicant.organization, email="unconfirmed@coop.example")
    letter = decide(applicant=applicant)
    letter.refresh_from_db()

    assert len(letter_mails()) == 1
    message = letter_mails()[0]
    assert message.to == ["Direccion@coop.example", "info@coop.example", colleague.email]
    assert message.subject == f"Carta de decisão {letter.reference}: Fundo de eventos catastróficos"
    assert "segue em anexo a carta de decisão" in message.body
    [(name, content, mimetype)] = message.attachments
    assert name == f"{letter.reference}.pdf"
    assert mimetype == "application/pdf"
    assert content == letter.file.read()
    assert letter.emailed_at is not None
    assert letter.emailed_to == message.to

    assert services.letter_email(letter_id=letter.pk) is False
    email_letter.delay(letter.pk)
    render_letter.delay(letter.pk)
    assert len(letter_mails()) == 1


def test_a_failed_send_is_not_recorded_as_sent(decide, embedded_celery):
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("smtp down")):
        letter = decide(language="es")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RENDERED
    assert letter.emailed_at is None
    assert services.letter_email(letter_id=letter.pk) is True
    assert len(letter_mails()) == 1
