"""Numbers in page forms are read and written as the person's language writes them."""

from decimal import Decimal

import pytest

from applications.models import Application
from core.formats import number_input_value
from core.parsing import NumberUnreadable, number_hint, parse_number
from tests.factories import OppUserFactory
from tests.workflow import drive

NNBSP = "\u202f"


@pytest.mark.parametrize(("language", "raw"), [
    ("es", "4.000,50"), ("es", "4000,50"), ("es", "4000.50"),
    ("pt", "4.000,50"), ("pt", "4000.50"),
    ("fr", "4 000,50"), ("fr", "4\u00a0000,50"), ("fr", f"4{NNBSP}000,50"), ("fr", "4000,50"),
    ("en", "4,000.50"), ("en", "4000.50"),
])
def test_each_language_reads_its_own_way_and_the_plain_way(language, raw):
    assert parse_number(raw, language) == Decimal("4000.50")


@pytest.mark.parametrize(("language", "raw"), [
    ("es", "4,000.50"), ("pt", "4 000,50"), ("fr", "4.000,50"), ("en", "4.000,50"), ("en", "4,00"),
    ("es", "mucho"), ("es", "40.00,5"), ("en", "1e5"), ("es", "NaN"),
])
def test_numbers_written_another_way_are_refused_with_how_to_write_them(language, raw):
    with pytest.raises(NumberUnreadable) as refused:
        parse_number(raw, language)
    assert str(refused.value) == number_hint(language)


def test_the_hint_gives_an_example_in_the_language():
    assert "4,000.50" in number_hint("en") and "4000.50" in number_hint("en")
    assert "4.000,50" in number_hint("es")
    assert f"4{NNBSP}000,50" in number_hint("fr")


def test_stored_numbers_are_shown_in_inputs_as_the_language_writes_them():
    assert number_input_value("4000.50", "es") == "4.000,50"
    assert number_input_value("4000.50", "en") == "4,000.50"
    assert number_input_value("4000", "pt") == "4.000"
    assert number_input_value("not a number", "es") == "not a number"
    assert number_input_value(None, "es") == ""
    for language in ("es", "pt", "fr", "en"):
        shown = number_input_value("1234567.5", language)
        assert parse_number(shown, language) == Decimal("1234567.5")


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "typed", "shown"), [
    ("es", "4.000,50", "4.000,50"), ("pt", "4.000,50", "4.000,50"),
    ("fr", "4 000,50", f"4{NNBSP}000,50"), ("en", "4,000.50", "4,000.50"), ("es", "4000.50", "4.000,50"),
])
def test_the_application_form_reads_and_shows_the_languages_numbers(client_for, language, typed, shown):
    user = OppUserFactory(language=language)
    page = client_for(user)
    page.post("/apply/youth-revolving/", {"project_title": "Vivero", "project_description": "Plantas",
                                          "value_chain_link": "Café", "go": "next"})
    application = Application.objects.get()
    response = page.post(f"/applications/{application.pk}/step/loan/", {
        "requested_amount": typed, "term_months": "12", "repayment_frequency": "monthly", "go": "stay"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.data["requested_amount"] == "4000.50"  # the API's plain decimal string
    html = page.get(f"/applications/{application.pk}/step/loan/").content.decode()
    assert f'value="{shown}"' in html


@pytest.mark.django_db
def test_a_number_in_another_languages_way_says_which_format_is_expected(client_for):
    user = OppUserFactory(language="en")
    page = client_for(user)
    page.post("/apply/youth-revolving/", {"project_title": "Nursery", "project_description": "Plants",
                                          "value_chain_link": "Coffee", "go": "next"})
    application = Application.objects.get()
    response = page.post(f"/applications/{application.pk}/step/loan/", {
        "requested_amount": "4.000,50", "term_months": "12", "repayment_frequency": "monthly"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write the number as 4,000.50 (or 4000.50)" in html
    assert 'aria-describedby="id_requested_amount-error"' in html
    application.refresh_from_db()
    assert "requested_amount" not in application.data


@pytest.mark.django_db
def test_rows_of_numbers_are_read_in_the_language(client_for):
    application = drive(fund_code="catastrophic-events", to="draft", fields={})
    application.applicant.language = "es"
    application.applicant.save(update_fields=["language"])
    page = client_for(application.applicant)
    response = page.post(f"/applications/{application.pk}/step/production/", {
        "season_productions-0-season": "2021", "season_productions-0-volume": "1.000,5",
        "season_productions-1-season": "2022", "season_productions-1-volume": "1.200",
        "season_productions-2-season": "2023", "season_productions-2-volume": "1,000.5",
        "affected_season_volume": "600", "unit": "qq", "reference_price": "150,00",
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert "Escriba el número así: 4.000,50" in html
    assert 'id="id_season_productions-2-volume-error"' in html
    response = page.post(f"/applications/{application.pk}/step/production/", {
        "season_productions-0-season": "2021", "season_productions-0-volume": "1.000,5",
        "season_productions-1-season": "2022", "season_productions-1-volume": "1.200",
        "season_productions-2-season": "2023", "season_productions-2-volume": "1000.5",
        "affected_season_volume": "600", "unit": "qq", "reference_price": "150,00",
    })
    assert response.status_code == 302
    application.refresh_from_db()
    volumes = [row["volume"] for row in application.data["season_productions"]]
    assert [Decimal(v) for v in volumes] == [Decimal("1000.5"), Decimal("1200"), Decimal("1000.5")]
    assert Decimal(application.data["reference_price"]) == Decimal("150")
