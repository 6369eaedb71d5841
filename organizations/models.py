from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from listing.text import search_text_for

from .choices import (
    FUND_SCOPED_ROLES,
    CertificationStatus,
    Country,
    Grade,
    Language,
    Product,
    Role,
    country_names,
)
from .events import search_text_changed


class ProductCode(models.Model):
    """One of CLAC's product codes; a table so that organisations can be filtered by product anywhere."""

    code = models.CharField(_("code"), max_length=20, choices=Product.choices, primary_key=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]

    def __str__(self):
        return str(Product(self.code).label)


class Organization(models.Model):
    """A small producer organisation (OPP) that applies to CLAC's funds."""

    legal_name = models.CharField(_("legal name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, db_index=True)
    fairtrade_id = models.CharField(_("Fairtrade ID"), max_length=32, unique=True)
    certification_status = models.CharField(
        _("certification status"),
        max_length=20,
        choices=CertificationStatus.choices,
        default=CertificationStatus.CERTIFIED,
    )
    certification_expiry = models.DateField(_("certification expiry"), null=True, blank=True)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices, default=Grade.FIRST)
    products = models.ManyToManyField(ProductCode, verbose_name=_("products"), blank=True)
    members_women = models.PositiveIntegerField(_("women members"), default=0)
    members_men = models.PositiveIntegerField(_("men members"), default=0)
    members_youth = models.PositiveIntegerField(
        _("youth members"), default=0, help_text=_("Members aged 18 to 35, of any gender.")
    )
    national_coordinator = models.CharField(
        _("national coordinator"), max_length=255, blank=True,
        help_text=_("The national coordinator (CN) that the organisation belongs to."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ES,
        help_text=_("Letters and e-mails to the organisation are written in this language."),
    )
    contact_emails = models.JSONField(
        _("contact e-mails"), default=list, blank=True,
        help_text=_("Addresses that receive decision letters and notices."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    search_text = models.TextField(
        _("search text"), blank=True, default="", editable=False,
        help_text=_("Names, country and Fairtrade ID without accents or capitals, kept on every save."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["short_name"]

    def __str__(self):
        return self.short_name

    SEARCHED_FIELDS = frozenset({"short_name", "legal_name", "country", "fairtrade_id"})

    def save(self, *args, **kwargs):
        # The search text is derived from the row's own fields (no rule, no query): kept here so that
        # every way of writing an organisation keeps it, and passed on to its applications' search
        # text when a name changes (rare: an organisation renamed by CLAC's staff).
        update_fields = kwargs.get("update_fields")
        if update_fields is None or self.SEARCHED_FIELDS & set(update_fields):
            self.search_text = organization_search_text(self.short_name, self.legal_name, self.country,
                                                        self.fairtrade_id)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)
        stored = getattr(self, "_stored_search_text", None)
        if stored is not None and stored != self.search_text:
            search_text_changed(organization_id=self.pk)
        self._stored_search_text = self.search_text

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_search_text = instance.__dict__.get("search_text")
        return instance

    @property
    def is_first_grade(self) -> bool:
        return self.grade == Grade.FIRST


def organization_search_text(short_name: str, legal_name: str, country: str, fairtrade_id: str) -> str:
    """Both names, the country's code and its name in every language of Fondos, the Fairtrade ID."""
    return search_text_for([short_name, legal_name, country, *country_names(country), fairtrade_id])


def person_search_text(username: str, first_name: str, last_name: str, email: str) -> str:
    return search_text_for([f"{first_name} {last_name}".strip(), username, email])


class User(AbstractUser):
    """A person who signs in: OPP staff (tied to one organisation) or CLAC staff (with staff roles)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), related_name="members",
        on_delete=models.PROTECT, null=True, blank=True,
        help_text=_("Set for OPP staff only: the organisation whose data they see."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ES
    )
    is_representative = models.BooleanField(
        _("representative"), default=False,
        help_text=_("OPP staff only: may invite and remove colleagues of the same organisation."),
    )
    email_verified = models.EmailField(
        _("verified e-mail"), blank=True,
        help_text=_("The address this person proved they receive mail at; documents go only there."),
    )
    email_verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True)
    search_text = models.TextField(
        _("search text"), blank=True, default="", editable=False,
        help_text=_("Name, username and e-mail without accents or capitals, kept on every save."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login", "search_text"])

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    SEARCHED_FIELDS = frozenset({"username", "first_name", "last_name", "email"})

    def save(self, *args, **kwargs):
        # Derived from the row's own fields, as an organisation's: every way of writing a person keeps it.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or self.SEARCHED_FIELDS & set(update_fields):
            self.search_text = person_search_text(self.username, self.first_name, self.last_name, self.email)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_opp_staff(self) -> bool:
        return self.organization_id is not None


class StaffRoleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class StaffRole(models.Model):
    """A CLAC staff role held by a person; committee roles are held per fund.

    A role is never deleted: removing it stamps ``revoked_at``/``revoked_by`` so that who granted what,
    and when, stays on record.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), related_name="staff_roles",
        on_delete=models.CASCADE,
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    fund = models.ForeignKey(
        "funds.Fund", verbose_name=_("fund"), related_name="staff_roles", on_delete=models.PROTECT,
        null=True, blank=True, help_text=_("Committee roles only: the fund whose committee it is."),
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), related_name="+",
        on_delete=models.PROTECT, null=True, blank=True,
    )
    revoked_at = models.DateTimeField(_("removed"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("removed by"), related_name="+",
        on_delete=models.PROTECT, null=True, blank=True,
    )

    objects = StaffRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.CheckConstraint(
                name="committee_roles_have_a_fund",
                condition=(
                    Q(role__in=sorted(FUND_SCOPED_ROLES), fund__isnull=False)
                    | (~Q(role__in=sorted(FUND_SCOPED_ROLES)) & Q(fund__isnull=True))
                ),
            ),
            models.UniqueConstraint(
                name="one_active_grant_per_role",
                fields=["user", "role", "fund"],
                condition=Q(revoked_at__isnull=True),
            ),
            models.UniqueConstraint(
                name="one_chair_per_fund",
                fields=["fund"],
                condition=Q(role=Role.COMMITTEE_CHAIR, revoked_at__isnull=True),
            ),
            models.UniqueConstraint(
                name="one_deputy_chair_per_fund",
                fields=["fund"],
                condition=Q(role=Role.DEPUTY_CHAIR, revoked_at__isnull=True),
            ),
        ]

    def __str__(self):
        if self.fund_id:
            return f"{self.user} · {self.get_role_display()} · {self.fund}"
        return f"{self.user} · {self.get_role_display()}"


class Invitation(models.Model):
    """An e-mailed link that lets one address create an account tied to one organisation.

    Only a SHA-256 hash of the link's token is stored; the link works once and expires.
    """

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), related_name="invitations", on_delete=models.CASCADE,
    )
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ES)
    as_representative = models.BooleanField(_("as representative"), default=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), related_name="+",
        on_delete=models.PROTECT, null=True, blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account created"), related_name="+",
        on_delete=models.PROTECT, null=True, blank=True,
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"), related_name="+",
        on_delete=models.PROTECT, null=True, blank=True,
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organization}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class ApiToken(models.Model):
    """A key that lets a person's own systems call the API as them.

    Only a SHA-256 hash of the key is stored (the key is shown once, when it is created), with the
    fingerprint of the password it was issued under: changing or resetting the password, by any path,
    makes it stop working. It expires at ``expires_at``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), related_name="api_tokens",
        on_delete=models.CASCADE,
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    password_fingerprint = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the secretariat")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class JoinRequest(models.Model):
    """An OPP not yet in Fondos asking to join; the secretariat approves or declines it."""

    legal_name = models.CharField(_("legal name"), max_length=255)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    fairtrade_id = models.CharField(_("Fairtrade ID"), max_length=32)
    contact_name = models.CharField(_("contact name"), max_length=150)
    contact_email = models.EmailField(_("contact e-mail"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ES)
    status = models.CharField(
        _("status"), max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), related_name="+",
        on_delete=models.PROTECT, null=True, blank=True,
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), related_name="+", on_delete=models.PROTECT,
        null=True, blank=True,
    )

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="declined_join_requests_have_a_reason",
                condition=~Q(status="declined") | ~Q(decline_reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.legal_name} ({self.fairtrade_id})"
