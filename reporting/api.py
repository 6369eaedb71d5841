"""The project-report API: an award's reports, one report, its transitions and attachments, and the
outcomes report. Another organisation's reports are "not found"."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.parsers import UploadParser
from applications.selectors import applications_visible_to
from core.http import RefusalsInJSON, name_download, uploaded_file_response
from organizations.access import access_for

from . import services
from .fields import CommentsInput, NewReportInput
from .models import ProjectReport, ReportAttachment
from .outcomes import outcomes
from .renderers import OutcomesCSVRenderer, OutcomesXLSXRenderer
from .representation import attachment_json, report_json
from .selectors import reports_visible_to
from .serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    OutcomesSerializer,
    ProjectReportSerializer,
)
from .views import outcome_filters


def _with_details(queryset):
    return queryset.select_related("application__fund", "application__organization").prefetch_related(
        "indicators", "attachments", "transitions__by"
    )


def _detail(report_id, request, status_code=status.HTTP_200_OK):
    report = _with_details(reports_visible_to(request.user)).get(pk=report_id)
    return Response(report_json(report, request.user), status=status_code)


class ApplicationReportsView(APIView):
    """The reports an award owes (``GET``); ``POST {"kind", "due_on"}`` adds one: the secretariat a
    required report with its due date, the organisation one of its own accord (started as a draft)."""

    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def _application(self, request, application_id):
        return get_object_or_404(applications_visible_to(request.user), pk=application_id)

    @extend_schema(responses=ProjectReportSerializer(many=True))
    def get(self, request, application_id):
        application = self._application(request, application_id)
        reports = _with_details(application.project_reports.order_by("due_on", "kind", "sequence"))
        return Response([report_json(report, request.user) for report in reports])

    @extend_schema(request=NewReportInput, responses={201: ProjectReportSerializer})
    def post(self, request, application_id):
        application = self._application(request, application_id)
        serializer = NewReportInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.project_report_create(application_id=application.pk, by=request.user,
                                                **serializer.validated_data)
        return _detail(report.pk, request, status.HTTP_201_CREATED)


class ProjectReportViewSet(viewsets.GenericViewSet):
    """One report: ``GET``, ``PATCH`` (the organisation, while it is due, a draft or returned; any part
    may be sent alone), and its transitions ``submit``, ``accept`` and ``return`` (``{"comments"}``)."""

    parser_classes = [JSONParser, FormParser, MultiPartParser]
    serializer_class = ProjectReportSerializer
    lookup_value_regex = "[0-9]+"  # ids only (``\d`` would also take other scripts' digits)

    def get_queryset(self):
        return reports_visible_to(self.request.user)

    def get_object(self) -> ProjectReport:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def retrieve(self, request, pk=None):
        return _detail(self.get_object().pk, request)

    @extend_schema(request=ProjectReportSerializer, responses=ProjectReportSerializer)
    def partial_update(self, request, pk=None):
        report = self.get_object()
        services.project_report_update(report_id=report.pk, by=request.user, fields=request.data)
        return _detail(report.pk, request)

    @extend_schema(request=None, responses=ProjectReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        services.project_report_submit(report_id=report.pk, by=request.user)
        return _detail(report.pk, request)

    @extend_schema(request=CommentsInput, responses=ProjectReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        report = self.get_object()
        serializer = CommentsInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.project_report_accept(report_id=report.pk, by=request.user, **serializer.validated_data)
        return _detail(report.pk, request)

    @extend_schema(request=CommentsInput, responses=ProjectReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request, pk=None):
        report = self.get_object()
        serializer = CommentsInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.project_report_return(report_id=report.pk, by=request.user, **serializer.validated_data)
        return _detail(report.pk, request)

    @extend_schema(methods=["GET"], responses=AttachmentSerializer(many=True))
    @extend_schema(methods=["POST"], request={"multipart/form-data": AttachmentUploadSerializer},
                   responses={201: AttachmentSerializer})
    @action(detail=True, methods=["get", "post"], parser_classes=[UploadParser], pagination_class=None)
    def attachments(self, request, pk=None):
        report = self.get_object()
        if request.method == "GET":
            return Response([attachment_json(a) for a in report.attachments.all()])
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        attachment = services.report_attachment_upload(
            report_id=report.pk, by=request.user, kind=data["kind"], upload=data["file"],
            budget_line=data.get("budget_line", ""),
        )
        return Response(attachment_json(attachment), status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={(200, "application/octet-stream"): bytes})
    @extend_schema(methods=["DELETE"], responses={204: None})
    @action(detail=True, methods=["get", "delete"], url_path=r"attachments/(?P<attachment_id>\d+)",
            url_name="attachment")
    def attachment(self, request, pk=None, attachment_id=None):
        report = self.get_object()
        attachment = get_object_or_404(ReportAttachment, pk=attachment_id, report=report)
        if request.method == "DELETE":
            services.report_attachment_delete(attachment_id=attachment.pk, by=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return uploaded_file_response(attachment.file, filename=attachment.original_name,
                                      content_type=attachment.content_type)


class OutcomesView(RefusalsInJSON, APIView):
    """What the funds changed: awards, amounts awarded and paid, indicators from baseline to the latest
    accepted report, people reached by gender and age group. Filters: ``fund``, ``year``, ``country``,
    ``product``. ``?format=csv`` or ``?format=xlsx`` downloads it. For CLAC staff and auditors."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, OutcomesCSVRenderer, OutcomesXLSXRenderer]

    @extend_schema(
        responses=OutcomesSerializer,
        parameters=[
            OpenApiParameter("fund", OpenApiTypes.STR),
            OpenApiParameter("year", OpenApiTypes.INT),
            OpenApiParameter("country", OpenApiTypes.STR),
            OpenApiParameter("product", OpenApiTypes.STR),
        ],
    )
    def get(self, request):
        if not access_for(request.user).is_clac_staff:
            raise PermissionDenied(_("The outcomes report is for CLAC staff and auditors."))
        filters, errors = outcome_filters(request.query_params)
        if errors:
            raise ValidationError(errors)
        response = Response(outcomes(filters))
        file_format = getattr(request, "accepted_renderer", None) and request.accepted_renderer.format
        if file_format in ("csv", "xlsx"):
            name_download(response, f"outcomes.{file_format}")
        return response
