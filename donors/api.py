"""``GET /api/v1/donors/`` and ``GET /api/v1/donors/{id}/report/``: donors and how their money was used."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from listing.filters import Ordering

from .models import Donor
from .permissions import DonorReader
from .selectors import donor_report, donors_visible_to


class DonorFilter(filters.FilterSet):
    search = filters.CharFilter(method="search_for", max_length=200, label=_("Search"))
    country = filters.CharFilter(field_name="country", max_length=2, label=_("Country"))
    ordering = Ordering(columns={
        "name": (_("Name"), ("name",)),
        "country": (_("Country"), ("country",)),
        "identifier": (_("Identifier"), ("identifier",)),
    }, default=("name",))

    class Meta:
        model = Donor
        fields = []

    def search_for(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(identifier__icontains=value))


class DonorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Donor
        fields = ["id", "name", "identifier", "country"]


class PlaceSerializer(serializers.Serializer):
    fund = serializers.CharField()
    country = serializers.CharField()
    year = serializers.IntegerField()
    awards = serializers.IntegerField()
    disbursed = serializers.DecimalField(max_digits=18, decimal_places=2)


class FiguresSerializer(serializers.Serializer):
    committed = serializers.DecimalField(max_digits=18, decimal_places=2)
    disbursed = serializers.DecimalField(max_digits=18, decimal_places=2)
    repaid = serializers.DecimalField(max_digits=18, decimal_places=2)
    relent = serializers.DecimalField(max_digits=18, decimal_places=2)
    available = serializers.DecimalField(max_digits=18, decimal_places=2)


class ContributionReportSerializer(FiguresSerializer):
    id = serializers.IntegerField()
    fund = serializers.CharField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    currency = serializers.CharField()
    received_on = serializers.DateField()
    restricted_to = serializers.CharField(allow_null=True)
    funded = PlaceSerializer(many=True, help_text="What its disbursements paid for, per fund, country, year.")


class FundTotalSerializer(FiguresSerializer):
    fund = serializers.CharField()
    currency = serializers.CharField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)


class PeopleSerializer(serializers.Serializer):
    women = serializers.IntegerField()
    men = serializers.IntegerField()
    other = serializers.IntegerField()
    youth = serializers.IntegerField()
    adults = serializers.IntegerField()


class DonorReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    identifier = serializers.CharField()
    country = serializers.CharField()
    contributions = ContributionReportSerializer(many=True)
    funds = FundTotalSerializer(many=True)
    people_reached = PeopleSerializer()


class DonorViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Donors: administrators, the secretariat, auditors and finance see all; a donor's reader its own."""

    serializer_class = DonorSerializer
    filterset_class = DonorFilter
    permission_classes = [IsAuthenticated, DonorReader]
    donors_may_read = True
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return donors_visible_to(self.request.user)

    @extend_schema(responses=DonorReportSerializer, summary="How a donor's contributions were used")
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def report(self, request, pk=None):
        donor = self.get_object()
        return Response(DonorReportSerializer(donor_report(donor)).data)
