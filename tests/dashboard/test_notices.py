"""The notice centre: the unread count in every page's header, marking read (POST, one's own only),
links to the page each notice speaks of; the preferences page and the outbox honouring it; the links in
every e-mail."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from applications import services
from notifications.kinds import Kind
from notifications.models import EmailStatus, Notification, NotificationPreference
from notifications.services import notification_deliver
from organizations.choices import Role
from tests.factories import OppUserFactory, UserFactory, staff_user
from tests.workflow import drive

pytestmark = pytest.mark.django_db

FUND = "climate-eventuality"


def _client(user, language="en", **extra):
    user.language = language
    user.save(update_fields=["language"])
    client = Client(**extra)
    client.force_login(user)
    return client


def _notice(user, application=None, kind=Kind.REPORT_DUE, n=0, **fields):
    return Notification.objects.create(
        recipient=user, email=user.email, language=user.language, kind=kind, application=application,
        subject=fields.pop("subject", f"Notice {n}"), body=f"Body {n}",
        dedupe_key=f"test:{user.pk}:{kind}:{n}",
        email_status=EmailStatus.NONE, **fields,
    )


def _unread_badge(body):
    if 'class="badge count"' not in body:
        return 0
    return int(body.split('class="badge count">')[1].split("<")[0])


@pytest.fixture
def applicant_with_notices():
    applicant = OppUserFactory()
    application = drive(fund_code=FUND, to="submitted", applicant=applicant)
    return applicant, application


def test_the_header_shows_the_unread_count_on_every_page_with_one_query(applicant_with_notices):
    applicant, application = applicant_with_notices
    unread = Notification.objects.filter(recipient=applicant, in_app=True, read_at__isnull=True).count()
    assert unread == 1  # the receipt of the submission
    _notice(applicant, application, n=1)
    _notice(applicant, application, n=2, read_at=timezone.now())
    _notice(UserFactory(), application, n=3)  # someone else's
    client = _client(applicant)
    for path in ("/", "/notices/", f"/applications/{application.pk}/", "/notices/preferences/"):
        body = client.get(path).content.decode()
        assert _unread_badge(body) == 2, path
        assert 'href="/notices/"' in body
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/organization/")
    counting = [q for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(counting) == 1 and "COUNT" in counting[0]["sql"].upper()


def test_the_notice_centre_lists_ones_own_notices_with_links(applicant_with_notices):
    applicant, application = applicant_with_notices
    other = _notice(UserFactory(), application, n=9, subject="Not for you")
    body = _client(applicant).get("/notices/").content.decode()
    assert f'href="/applications/{application.pk}/"' in body
    assert "Not for you" not in body and f"notice-{other.pk}" not in body
    assert "1–1 of 1" in body


def test_the_notice_centre_searches_filters_and_paginates(applicant_with_notices):
    applicant, application = applicant_with_notices
    for n in range(60):
        _notice(applicant, application if n % 2 else None, n=n + 10)
    client = _client(applicant)
    body = client.get("/notices/").content.decode()
    assert "1–50 of 61" in body
    assert "51–61 of 61" in client.get("/notices/?page=2").content.decode()
    assert "1–31 of 31" in client.get(f"/notices/?search={application.reference}").content.decode()
    assert "1–1 of 1" in client.get("/notices/?kind=application_submitted").content.decode()
    response = client.get("/notices/?kind=nonsense")
    assert response.status_code == 400


def test_marking_one_read_is_a_post_and_only_for_ones_own(applicant_with_notices):
    applicant, application = applicant_with_notices
    mine = _notice(applicant, application, n=1)
    theirs = _notice(UserFactory(), application, n=2)
    client = _client(applicant)
    assert client.get(f"/notices/{mine.pk}/read/").status_code == 405
    assert client.post(f"/notices/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(f"/notices/{mine.pk}/read/", {"next": "/notices/?page=1"})
    assert response.status_code == 302 and response.url == "/notices/?page=1"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert _unread_badge(client.get("/notices/").content.decode()) == 1
    # Another site is never where it sends the person back to.
    response = client.post(f"/notices/{mine.pk}/read/", {"next": "https://evil.example/"})
    assert response.url == "/notices/"


def test_marking_read_needs_the_csrf_token(applicant_with_notices):
    applicant, application = applicant_with_notices
    mine = _notice(applicant, application, n=1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    assert client.post(f"/notices/{mine.pk}/read/").status_code == 403
    assert client.post("/notices/read-all/").status_code == 403
    mine.refresh_from_db()
    assert mine.read_at is None


def test_mark_all_read_leaves_others_notices_alone(applicant_with_notices):
    applicant, application = applicant_with_notices
    _notice(applicant, application, n=1)
    theirs = _notice(UserFactory(), application, n=2)
    client = _client(applicant)
    response = client.post("/notices/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=applicant, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    body = client.get(response.url).content.decode()
    assert _unread_badge(body) == 0 and "Every notice is marked as read." in body


def test_the_notice_centre_speaks_each_language(applicant_with_notices):
    applicant, _application = applicant_with_notices
    words = {"es": "Avisos", "pt": "Avisos", "fr": "Avis", "en": "Notices"}
    marks = {"es": "Marcar todos como leídos", "pt": "Marcar todos como lidos",
             "fr": "Tout marquer comme lu", "en": "Mark all as read"}
    for language, word in words.items():
        body = _client(applicant, language).get("/notices/").content.decode()
        assert f"<h1>{word}</h1>" in body and marks[language] in body, language


# --------------------------------------------------------------------------- preferences


def test_the_preferences_page_saves_language_and_email_choices():
    person = OppUserFactory()
    client = _client(person)
    body = client.get("/notices/preferences/").content.decode()
    assert 'name="email-report_due"' in body and "checked" in body
    assert 'id="email-information_requested" checked disabled' in body  # essential: always sent
    response = client.post("/notices/preferences/", {"language": "fr", "email-report_accepted": "on",
                                                      "email-information_requested": ""})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.language == "fr"
    assert response.cookies["django_language"].value == "fr"
    chosen = dict(NotificationPreference.objects.filter(user=person).values_list("kind", "email"))
    assert chosen["report_accepted"] is True and chosen["report_due"] is False
    assert "information_requested" not in chosen  # essential kinds are not stored: they always go
    assert all(NotificationPreference.objects.filter(user=person).values_list("in_app", flat=True))
    body = client.get("/notices/preferences/").content.decode()
    assert "Vos préférences sont enregistrées." in body
    assert 'id="email-report_due"' in body and 'id="email-report_due" checked' not in body


def test_the_preferences_page_refuses_an_unknown_language_and_changes_nothing():
    person = OppUserFactory()
    response = _client(person).post("/notices/preferences/", {"language": "xx"})
    assert response.status_code == 400
    assert "Choose one of the offered languages." in response.content.decode()
    person.refresh_from_db()
    assert person.language == "en" and not NotificationPreference.objects.filter(user=person).exists()


def test_the_outbox_honours_the_choice_and_still_shows_the_notice_in_fondos():
    secretariat = staff_user(Role.SECRETARIAT, email="screening@clac.example")
    _client(secretariat).post("/notices/preferences/", {"language": "en"})  # every optional e-mail off
    other = staff_user(Role.SECRETARIAT, email="other@clac.example")
    drive(fund_code=FUND, to="submitted")
    mine = Notification.objects.get(recipient=secretariat, kind=Kind.APPLICATION_RECEIVED)
    assert mine.in_app is True and mine.email == "" and mine.email_status == EmailStatus.NONE
    theirs = Notification.objects.get(recipient=other, kind=Kind.APPLICATION_RECEIVED)
    assert theirs.email == "other@clac.example"


def test_essential_notices_still_come_by_email_whatever_the_choice():
    applicant = OppUserFactory()
    _client(applicant).post("/notices/preferences/", {"language": "es"})
    application = drive(fund_code=FUND, to="screening", applicant=applicant)
    services.application_request_information(
        application_id=application.pk, by=application.cast.secretariat, message="Falta el mapa.",
        respond_by=timezone.localdate() + datetime.timedelta(days=10))
    asked = Notification.objects.get(recipient=applicant, kind=Kind.INFORMATION_REQUESTED)
    assert asked.email == applicant.email and asked.in_app
    receipt = Notification.objects.get(recipient=applicant, kind=Kind.APPLICATION_SUBMITTED)
    assert receipt.email == "" and receipt.in_app


# --------------------------------------------------------------------------- e-mail links


@override_settings(SITE_URL="https://fondos.clac.example")
def test_every_email_links_to_its_page_and_to_the_preferences():
    applicant = OppUserFactory()
    application = drive(fund_code=FUND, to="submitted", applicant=applicant)
    mail.outbox.clear()
    notice = Notification.objects.get(recipient=applicant, kind=Kind.APPLICATION_SUBMITTED)
    Notification.objects.filter(pk=notice.pk).update(email_status=EmailStatus.PENDING)
    assert notification_deliver(notification_id=notice.pk)
    message = mail.outbox[-1]
    page = f"https://fondos.clac.example/applications/{application.pk}/"
    preferences = "https://fondos.clac.example/notices/preferences/"
    assert page in message.body and preferences in message.body
    html = message.alternatives[0][0]
    assert f'href="{page}"' in html and f'href="{preferences}"' in html
    assert "Ábralo en Fondos" in message.body  # in the recipient's language


@override_settings(SITE_URL="https://fondos.clac.example")
def test_a_contact_address_without_an_account_gets_the_page_link_but_no_preferences_link():
    applicant = OppUserFactory()
    application = drive(fund_code=FUND, to="submitted", applicant=applicant)
    contact = Notification.objects.get(recipient__isnull=True, kind=Kind.APPLICATION_SUBMITTED,
                                       application=application)
    Notification.objects.filter(pk=contact.pk).update(email_status=EmailStatus.PENDING)
    mail.outbox.clear()
    notification_deliver(notification_id=contact.pk)
    body = mail.outbox[-1].body
    assert f"https://fondos.clac.example/applications/{application.pk}/" in body
    assert "/notices/preferences/" not in body


def test_every_kind_of_notice_is_offered_once_and_my_account_links_to_the_preferences():
    from dashboard.views import grouped
    from notifications.services import preferences_for

    person = OppUserFactory()
    offered = [row["kind"] for _title, rows in grouped(preferences_for(person)) for row in rows]
    assert sorted(offered) == sorted(Kind.values)
    body = _client(person).get("/accounts/profile/").content.decode()
    assert 'href="/notices/preferences/"' in body
