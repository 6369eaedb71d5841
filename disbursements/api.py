
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from core.http import RefusalsInJSON, name_download
from core.parsing import parse_date
from funds.models import Fund, FundCode
from organizations.access import access_for
from organizations.choices import Country, Product

from . import reports
from .filters import DisbursementFilter, LoanFilter
from .models import Instalment, Repayment
from .renderers import PortfolioCSVRenderer, PortfolioXLSXRenderer
from .representation import schedule_json
from .selectors import disbursements_visible_to, loans_visible_to, with_loan_figures
from .serializers import (
    DisbursementSerializer,
    FinanceReasonSerializer,
    InstalmentSerializer,
    LoanSerializer,
    PaySerializer,
    PortfolioSerializer,
    RecoveryInputSerializer,
    RecoverySerializer,
    RefundInputSerializer,
    RefundSerializer,
    RepaymentInputSerializer,
    RepaymentSerializer,
    ReschedulePreviewSerializer,
    RescheduleSerializer,
    SchedulePlanSerializer,
    SplitSerializer,
)
from .services import disbursements as tranches
from .services import loans as loan_services
from .services import repayments, write_offs


class FinanceActs(permissions.BasePermission):
    """Who may see a disbursement or a loan may read it; only finance (and administrators, for the
    actions the services allow them) act on it. Checked once the object is found, so that another
    organisation's object stays a 404, and before any input is read, so that the refusal is a 403."""

    message = _lazy("Only finance staff may do this.")

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        access = access_for(request.user)
        return access.is_finance or access.is_administrator


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class DisbursementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Payments out of a fund: ``pending`` → ``approved`` → ``paid`` (or ``failed``, ``cancelled``).

    Finance approves and pays; the organisation's staff see their own, read-only."""

    serializer_class = DisbursementSerializer
    filterset_class = DisbursementFilter
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, FinanceActs]

    def get_queryset(self):
        return disbursements_visible_to(self.request.user).order_by("-id")

    def _done(self, disbursement, code=status.HTTP_200_OK):
        return Response(DisbursementSerializer(self.get_queryset().get(pk=disbursement.pk)).data, status=code)

    @extend_schema(request=None, responses=DisbursementSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        disbursement = self.get_object()
        return self._done(tranches.disbursement_approve(disbursement_id=disbursement.pk, by=request.user))

    @extend_schema(request=PaySerializer, responses=DisbursementSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        disbursement = self.get_object()
        data = _valid(PaySerializer, request.data)
        return self._done(tranches.disbursement_pay(disbursement_id=disbursement.pk, by=request.user, **data))

    @extend_schema(request=FinanceReasonSerializer, responses=DisbursementSerializer)
    @action(detail=True, methods=["post"])
    def fail(self, request, pk=None):
        disbursement = self.get_object()
        data = _valid(FinanceReasonSerializer, request.data)
        return self._done(
            tranches.disbursement_fail(disbursement_id=disbursement.pk, by=request.user, **data)
        )

    @extend_schema(request=FinanceReasonSerializer, responses=DisbursementSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        disbursement = self.get_object()
        data = _valid(FinanceReasonSerializer, request.data)
        return self._done(
            tranches.disbursement_cancel(disbursement_id=disbursement.pk, by=request.user, **data)
        )

    @extend_schema(request=SplitSerializer, responses=DisbursementSerializer(many=True))
    @action(detail=True, methods=["post"])
    def split(self, request, pk=None):
        disbursement = self.get_object()
        data = _valid(SplitSerializer, request.data)
        parts = tranches.disbursement_split(disbursement_id=disbursement.pk, by=request.user, **data)
        return Response(DisbursementSerializer(parts, many=True).data, status=status.HTTP_201_CREATED)


class LoanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Youth-fund loans: terms, principal still owed (``outstanding``), interest due and arrears, the
    schedule, and finance's actions (repayments, reversals, reschedule, write-off, recoveries)."""

    serializer_class = LoanSerializer
    filterset_class = LoanFilter
    lookup_value_regex = "[0-9]+"  # ids only (``\d`` would also take other scripts' digits)
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, FinanceActs]

    def get_queryset(self):
        loans = loans_visible_to(self.request.user)
        if self.action in ("list", "retrieve"):
            # The figures (outstanding, interest due, arrears) are only what these two show.
            loans = with_loan_figures(loans, on=timezone.localdate())
        return loans.order_by("-id")

    def _loan(self, loan):
        loans = with_loan_figures(loans_visible_to(self.request.user), on=timezone.localdate())
        return Response(LoanSerializer(loans.get(pk=loan.pk)).data)

    @extend_schema(responses=InstalmentSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def schedule(self, request, pk=None):
        # One query in the usual case: the instalments of this loan if the caller may see it. Only
        # when none come back is the loan itself looked up, to tell "not yours" (404) from "no
        # schedule yet" ([]).
        visible = self.get_queryset().filter(pk=pk).values("pk")
        rows = list(Instalment.objects.filter(loan__in=visible, is_current=True).order_by("n"))
        if not rows:
            self.get_object()
        return Response(schedule_json(rows, on=timezone.localdate()))

    @extend_schema(
        methods=["post"],
        request=RepaymentInputSerializer,
        responses={201: RepaymentSerializer},
        parameters=[
            OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True)
        ],
    )
    @extend_schema(methods=["get"], responses=RepaymentSerializer(many=True))
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def repayments(self, request, pk=None):
        loan = self.get_object()
        if request.method == "GET":
            return Response(RepaymentSerializer(loan.repayments.order_by("paid_on", "id"), many=True).data)
        data = _valid(RepaymentInputSerializer, request.data)
        repayment, created = repayments.repayment_record(
            loan_id=loan.pk,
            by=request.user,
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            amount=data["amount"],
            currency=data.get("currency"),
            paid_on=data["paid_on"],
            reference=data["reference"],
        )
        response = Response(RepaymentSerializer(repayment).data, status=status.HTTP_201_CREATED)
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response

    @extend_schema(request=FinanceReasonSerializer, responses=RepaymentSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"repayments/(?P<repayment_id>[0-9]+)/reverse",
        filterset_class=None,
    )
    def reverse_repayment(self, request, pk=None, repayment_id=None):
        loan = self.get_object()
        repayment = get_object_or_404(Repayment, pk=repayment_id, loan=loan)
        data = _valid(FinanceReasonSerializer, request.data)
        reversed_repayment = repayments.repayment_reverse(repayment_id=repayment.pk, by=request.user, **data)
        return Response(RepaymentSerializer(reversed_repayment).data)

    @extend_schema(request=RescheduleSerializer, responses=LoanSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def reschedule(self, request, pk=None):
        loan = self.get_object()
        data = _valid(RescheduleSerializer, request.data)
        return self._loan(loan_services.loan_reschedule(loan_id=loan.pk, by=request.user, **data))

    @extend_schema(request=ReschedulePreviewSerializer, responses=SchedulePlanSerializer)
    @action(detail=True, methods=["post"], url_path="reschedule/preview", filterset_class=None)
    def reschedule_preview(self, request, pk=None):
        """The schedule a reschedule with these terms would give; nothing is changed."""
        loan = self.get_object()
        if not access_for(request.user).is_finance:  # as for the reschedule itself
            raise PermissionDenied(_("Only finance staff may do this."))
        data = dict(_valid(ReschedulePreviewSerializer, request.data))
        data.pop("reason", None)
        plan = loan_services.loan_reschedule_preview(loan_id=loan.pk, by=request.user, **data)
        return Response(SchedulePlanSerializer(plan).data)

    @extend_schema(request=FinanceReasonSerializer, responses=LoanSerializer)
    @action(detail=True, methods=["post"], url_path="write-off", filterset_class=None)
    def write_off(self, request, pk=None):
        loan = self.get_object()
        data = _valid(FinanceReasonSerializer, request.data)
        return self._loan(write_offs.loan_write_off_propose(loan_id=loan.pk, by=request.user, **data))

    @extend_schema(request=None, responses=LoanSerializer)
    @action(detail=True, methods=["post"], url_path="write-off/approve", filterset_class=None)
    def approve_write_off(self, request, pk=None):
        loan = self.get_object()
        return self._loan(write_offs.loan_write_off_approve(loan_id=loan.pk, by=request.user))

    @extend_schema(request=RecoveryInputSerializer, responses={201: RecoverySerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def recoveries(self, request, pk=None):
        loan = self.get_object()
        data = _valid(RecoveryInputSerializer, request.data)
        recovery = write_offs.loan_recovery_record(loan_id=loan.pk, by=request.user, **data)
        return Response(RecoverySerializer(recovery).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["post"], request=RefundInputSerializer, responses={201: RefundSerializer})
    @extend_schema(methods=["get"], responses=RefundSerializer(many=True))
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def refunds(self, request, pk=None):
        """Overpayments paid back to the group (finance), never more than the loan's credit."""
        loan = self.get_object()
        if request.method == "GET":
            return Response(RefundSerializer(loan.refunds.order_by("paid_on", "id"), many=True).data)
        data = _valid(RefundInputSerializer, request.data)
        refund = repayments.loan_refund_record(loan_id=loan.pk, by=request.user, **data)
        return Response(RefundSerializer(refund).data, status=status.HTTP_201_CREATED)


def _date(raw, field, default):
    return parse_date(raw, field) if raw else default


class PortfolioReportView(RefusalsInJSON, APIView):
    """The loan portfolio on a date: outstanding principal, arrears by age, PAR30, the period's
    collections and the funds' balances. Finance, administrators and auditors only.

    Filters: ``fund``, ``country``, ``product``, ``on`` (default today), ``from``/``to`` for the
    collections (default: the month so far). ``?format=csv`` or ``?format=xlsx`` downloads it."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, PortfolioCSVRenderer, PortfolioXLSXRenderer]

    @extend_schema(
        responses=PortfolioSerializer,
        parameters=[
            OpenApiParameter("fund", OpenApiTypes.STR, enum=FundCode.values),
            OpenApiParameter("country", OpenApiTypes.STR, enum=Country.values),
            OpenApiParameter("product", OpenApiTypes.STR, enum=Product.values),
            OpenApiParameter("on", OpenApiTypes.DATE),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ],
    )
    def get(self, request):
        access = access_for(request.user)
        if not (access.is_finance or access.is_administrator or access.is_auditor):
            raise PermissionDenied(_("Reports are for finance staff, administrators and auditors."))
        params = request.query_params
        fund = None
        if params.get("fund"):
            fund = Fund.objects.filter(code=params["fund"]).first()
            if fund is None:
                raise ValidationError({"fund": [_("Unknown fund code.")]})
        country, product = params.get("country") or None, params.get("product") or None
        if country and country not in Country.values:
            raise ValidationError({"country": [_("Unknown country code.")]})
        if product and product not in Product.values:
            raise ValidationError({"product": [_("Unknown product code.")]})
        on = _date(params.get("on"), "on", timezone.localdate())
        start = _date(params.get("from"), "from", on.replace(day=1))
        end = _date(params.get("to"), "to", on)
        report = reports.portfolio(on=on, fund=fund, country=country, product=product)
        report["collections"] = reports.collections(
            start=start, end=end, fund=fund, country=country, product=product
        )
        report["balances"] = reports.fund_balances_report([fund] if fund else Fund.objects.all(), on=on)
        response = Response(report)
        file_format = getattr(request, "accepted_renderer", None) and request.accepted_renderer.format
        if file_format in ("csv", "xlsx"):
            name_download(response, f"portfolio-{on.isoformat()}.{file_format}")
        return response
