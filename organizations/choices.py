"""Codes shared across Fondos: CLAC's countries, products, languages, grades and staff roles."""

from functools import cache

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    """The 24 countries where CLAC has member organisations (ISO 3166-1 alpha-2)."""

    AR = "AR", _("Argentina")
    BZ = "BZ", _("Belize")
    BO = "BO", _("Bolivia")
    BR = "BR", _("Brazil")
    CL = "CL", _("Chile")
    CO = "CO", _("Colombia")
    CR = "CR", _("Costa Rica")
    CU = "CU", _("Cuba")
    DM = "DM", _("Dominica")
    DO = "DO", _("Dominican Republic")
    EC = "EC", _("Ecuador")
    SV = "SV", _("El Salvador")
    GD = "GD", _("Grenada")
    GT = "GT", _("Guatemala")
    HT = "HT", _("Haiti")
    HN = "HN", _("Honduras")
    JM = "JM", _("Jamaica")
    MX = "MX", _("Mexico")
    NI = "NI", _("Nicaragua")
    PA = "PA", _("Panama")
    PY = "PY", _("Paraguay")
    PE = "PE", _("Peru")
    LC = "LC", _("Saint Lucia")
    VC = "VC", _("Saint Vincent and the Grenadines")


class Product(models.TextChoices):
    COFFEE = "coffee", _("Coffee")
    BANANA = "banana", _("Banana")
    CACAO = "cacao", _("Cacao")
    SUGAR = "sugar", _("Sugar")
    HONEY = "honey", _("Honey")
    FRUIT = "fruit", _("Fresh and dried fruit")
    FLOWERS = "flowers", _("Flowers")
    WINE_GRAPES = "wine_grapes", _("Wine grapes")
    QUINOA = "quinoa", _("Quinoa")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    ES = "es", _("Spanish")
    PT = "pt", _("Portuguese")
    FR = "fr", _("French")
    EN = "en", _("English")


class Grade(models.IntegerChoices):
    """First-grade organisations have individual producers as members; second and third, organisations."""

    FIRST = 1, _("First grade")
    SECOND = 2, _("Second grade")
    THIRD = 3, _("Third grade")


class CertificationStatus(models.TextChoices):
    CERTIFIED = "certified", _("Certified")
    APPLICANT = "applicant", _("Applying for certification")
    SUSPENDED = "suspended", _("Suspended")
    DECERTIFIED = "decertified", _("Decertified")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Fund secretariat")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    COMMITTEE_CHAIR = "committee_chair", _("Committee chair")
    DEPUTY_CHAIR = "deputy_chair", _("Deputy committee chair")
    FINANCE = "finance", _("Finance")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")
    # Read-only: one donor's contributions and what they paid for, aggregated (donors.DonorUser says which).
    DONOR = "donor", _("Donor (read-only)")


FUND_SCOPED_ROLES = frozenset({Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR, Role.DEPUTY_CHAIR})
# A deputy chair is a member of the committee who decides in the chair's place when the chair declared
# a conflict of interest (if the fund's parameters say so).
COMMITTEE_ROLES = FUND_SCOPED_ROLES


@cache
def country_names(code: str) -> tuple[str, ...]:
    """A country's name in each language of Fondos ("Brasil", "Brazil", "Brésil"), for searching."""
    if code not in Country.values:
        return ()
    names = []
    for language in Language.values:
        with translation.override(language):
            name = str(Country(code).label)
        if name not in names:
            names.append(name)
    return tuple(names)
