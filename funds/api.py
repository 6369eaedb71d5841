from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.response import Response

from organizations.access import access_for

from .filters import LedgerFilter
from .ledger import balances_by_fund
from .models import Fund, FundKind, FundParameters, LedgerEntry


class BalancesSerializer(serializers.Serializer):
    currency = serializers.CharField()
    capital = serializers.DecimalField(max_digits=16, decimal_places=2)
    cash = serializers.DecimalField(max_digits=16, decimal_places=2)
    committed = serializers.DecimalField(max_digits=16, decimal_places=2)
    disbursed = serializers.DecimalField(max_digits=16, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=16, decimal_places=2)
    available = serializers.DecimalField(max_digits=16, decimal_places=2)
    interest_received = serializers.DecimalField(max_digits=16, decimal_places=2)
    written_off = serializers.DecimalField(max_digits=16, decimal_places=2)
    recovered = serializers.DecimalField(max_digits=16, decimal_places=2)
    grants_paid = serializers.DecimalField(max_digits=16, decimal_places=2)
    refunds_owed = serializers.DecimalField(max_digits=16, decimal_places=2)


class FundSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    # What the fund's rules say it is (``grant`` or ``loan``).
    kind = serializers.ChoiceField(choices=FundKind.choices, source="rules.kind", label=capfirst(_("kind")))
    parameters = serializers.SerializerMethodField()
    parameters_valid_from = serializers.SerializerMethodField()
    rubric = serializers.SerializerMethodField()
    budget = serializers.SerializerMethodField()
    available = serializers.SerializerMethodField()
    balances = serializers.SerializerMethodField()
    required_documents = serializers.SerializerMethodField()

    class Meta:
        model = Fund
        fields = [
            "code", "name", "kind", "currency", "is_open", "parameters", "parameters_valid_from",
            "rubric", "budget", "available", "balances", "required_documents",
        ]

    def _params(self, fund):
        versions = fund.current_versions
        return fund.rules.parse_parameters(versions[0].values if versions else {})

    def get_parameters(self, fund) -> dict:
        return self._params(fund).as_json()

    def get_parameters_valid_from(self, fund) -> str | None:
        versions = fund.current_versions
        return versions[0].valid_from.isoformat() if versions else None

    def get_rubric(self, fund) -> list[str]:
        return self._params(fund).rubric

    def _balances(self, fund):
        return self.context["balances"][fund.pk]

    def get_budget(self, fund) -> str:
        return str(self._balances(fund).capital)

    def get_available(self, fund) -> str:
        return str(self._balances(fund).available)

    @extend_schema_field(BalancesSerializer(allow_null=True, help_text="CLAC staff only; null for OPPs."))
    def get_balances(self, fund) -> dict | None:
        # An OPP sees what it may apply for (budget and available); the ledger's accounts are CLAC's.
        request = self.context.get("request")
        if request is None or not access_for(request.user).is_clac_staff:
            return None
        return self._balances(fund).as_json()

    def get_required_documents(self, fund) -> list[str]:
        return list(fund.rules.required_documents)


class LedgerEntrySerializer(serializers.ModelSerializer):
    transaction = serializers.IntegerField(source="transaction_id")
    kind = serializers.CharField(source="transaction.kind")
    booked_on = serializers.DateField(source="transaction.booked_on")
    memo = serializers.CharField(source="transaction.memo")
    application = serializers.IntegerField(source="transaction.application_id", allow_null=True)
    currency = serializers.CharField(source="transaction.currency")

    class Meta:
        model = LedgerEntry
        fields = [
            "id", "transaction", "kind", "booked_on", "account", "debit", "credit", "currency",
            "memo", "application",
        ]


def _funds_with_current_parameters():
    today = timezone.localdate()
    return Fund.objects.prefetch_related(
        Prefetch(
            "parameter_versions",
            queryset=FundParameters.objects.filter(valid_from__lte=today).order_by("-valid_from"),
            to_attr="current_versions",
        )
    )


class FundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """CLAC's funds with their parameters in force today and their balances."""

    serializer_class = FundSerializer
    lookup_field = "code"
    lookup_value_regex = "[a-z-]+"
    pagination_class = None

    def get_queryset(self):
        return _funds_with_current_parameters()

    def list(self, request, *args, **kwargs):
        funds = list(self.get_queryset())
        serializer = self.get_serializer(
            funds, many=True, context={**self.get_serializer_context(),
                                       "balances": balances_by_fund(funds)}
        )
        return Response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        fund = self.get_object()
        serializer = self.get_serializer(
            fund, context={**self.get_serializer_context(), "balances": balances_by_fund([fund])}
        )
        return Response(serializer.data)


class FundLedgerView(generics.ListAPIView):
    """The fund's ledger entries, newest first, with its balances.

    Finance, administrators and auditors only; to anyone else the ledger does not exist (404)."""

    serializer_class = LedgerEntrySerializer
    filterset_class = LedgerFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LedgerEntry.objects.none()
        access = access_for(self.request.user)
        if not (access.is_finance or access.is_administrator or access.is_auditor):
            raise Http404
        self.fund = get_object_or_404(Fund, code=self.kwargs["code"])
        return (
            LedgerEntry.objects.filter(fund=self.fund)
            .select_related("transaction")
            .order_by("-transaction_id", "id")
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data["balances"] = balances_by_fund([self.fund])[self.fund.pk].as_json()
        return response
