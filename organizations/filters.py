"""The organisations' list (staff page and API)."""

from django.utils.translation import gettext_lazy as _

from listing.filters import ListFilterSet, Ordering, SearchFilter, choice_filter

from .choices import Country, Grade, Product
from .models import Organization


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
