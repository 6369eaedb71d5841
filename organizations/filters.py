"""The organisations' list (staff page and API)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from listing.filters import ListFilterSet, Ordering, SearchFilter, choice_filter
from listing.text import normalise

from .choices import Country, Grade, Product, Role
from .models import JoinRequest, JoinRequestStatus, Organization, StaffRole, User


class OrganizationFilter(ListFilterSet):
    search = SearchFilter(help_text=_("Name, country or Fairtrade ID; accents and capitals do not matter."))
    country = choice_filter("country", Country.choices, _("Country"))
    grade = choice_filter("grade", Grade.choices, _("Grade"))
    product = choice_filter("products__code", Product.choices, _("Product"))
    ordering = Ordering(columns={
        "name": (_("Organisation"), ("short_name",)),
        "country": (_("Country"), ("country",)),
        "grade": (_("Grade"), ("grade",)),
        "fairtrade_id": (_("Fairtrade ID"), ("fairtrade_id",)),
        "created": (_("Joined"), ("created_at",)),
    }, default=("name",))

    class Meta:
        model = Organization
        fields = []


class PersonFilter(ListFilterSet):
    """People who sign in to Fondos: OPP staff and CLAC staff."""

    search = SearchFilter(help_text=_("Name, username or e-mail; accents and capitals do not matter."))
    kind = filters.ChoiceFilter(method="of_kind", label=_("Who"), empty_label=_("All"),
                                choices=[("opp", _("OPP staff")), ("clac", _("CLAC staff"))])
    role = choice_filter("staff_roles__role", Role.choices, _("Role"), method="with_role")
    country = choice_filter("organization__country", Country.choices, _("Country"))
    active = filters.ChoiceFilter(method="is_active_filter", label=_("Account"), empty_label=_("All"),
                                  choices=[("yes", _("Active")), ("no", _("Deactivated"))])
    ordering = Ordering(columns={
        "name": (_("Person"), ("last_name", "first_name", "username")),
        "username": (_("Username"), ("username",)),
        "organization": (_("Organisation"), ("organization__short_name",)),
        "joined": (_("Joined"), ("date_joined",)),
        "last_login": (_("Last signed in"), ("last_login",)),
    }, default=("name",))

    class Meta:
        model = User
        fields = []

    def of_kind(self, queryset, name, value):
        if value == "opp":
            return queryset.filter(organization__isnull=False)
        if value == "clac":
            return queryset.filter(organization__isnull=True)
        return queryset

    def with_role(self, queryset, name, value):
        if not value:
            return queryset
        held = StaffRole.objects.filter(role=value, revoked_at__isnull=True).values("user_id")
        return queryset.filter(pk__in=held)

    def is_active_filter(self, queryset, name, value):
        return queryset.filter(is_active=value == "yes") if value else queryset


class RemovedRoleFilter(ListFilterSet):
    """The staff roles removed in the past (the staff roles page)."""

    search = SearchFilter(search_field="user__search_text",
                          help_text=_("Name, username or e-mail; accents and capitals do not matter."))
    role = choice_filter("role", Role.choices, _("Role"))
    ordering = Ordering(columns={
        "person": (_("Person"), ("user__last_name", "user__username")),
        "role": (_("Role"), ("role",)),
        "granted": (_("Granted"), ("granted_at",)),
        "removed": (_("Removed"), ("revoked_at",)),
    }, default=("-removed",))

    class Meta:
        model = StaffRole
        fields = []


class JoinRequestFilter(ListFilterSet):
    """Decided requests to join (the secretariat's page). Few and short-lived: searched by name with
    the database's case-insensitive match."""

    search = filters.CharFilter(method="named", label=_("Search"), max_length=200,
                                help_text=_("Legal name, contact or Fairtrade ID."))
    status = choice_filter("status", JoinRequestStatus.choices, _("Decision"))
    country = choice_filter("country", Country.choices, _("Country"))
    ordering = Ordering(columns={
        "name": (_("Legal name"), ("legal_name",)),
        "decision": (_("Decision"), ("status",)),
        "decided": (_("On"), ("decided_at",)),
    }, default=("-decided",))

    class Meta:
        model = JoinRequest
        fields = []

    def named(self, queryset, name, value):
        for word in (value or "").split()[:8]:
            queryset = queryset.filter(Q(legal_name__icontains=word) | Q(contact_name__icontains=word)
                                       | Q(fairtrade_id__icontains=word)
                                       | Q(organization__search_text__contains=normalise(word)))
        return queryset
