from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from calls.selectors import calls_visible_to
from core.errors import Invalid, NotPermitted
from core.http import uploaded_file_response
from organizations.access import access_for
from organizations.models import Organization

from . import services
from .filters import ApplicationFilter
from .models import ApplicationChange, Document, InformationRequest, Review
from .parsers import UploadParser
from .permissions import may_see_reviews
from .representation import application_detail_json, application_list_json, list_rows
from .reviews import review_submit
from .selectors import applications_visible_to
from .serializers import (
    AnswerSerializer,
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationListSerializer,
    ApproveSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    ReasonSerializer,
    RequestInformationSerializer,
    ReviewInputSerializer,
    ReviewSerializer,
    TransitionSerializer,
)


def _fund_fields(data) -> dict:
    return {key: value for key, value in data.items() if key not in ("fund", "organization", "call")}


def _chosen_call(request, call_id):
    """The call named in a new application, among those the caller may see; a 400 otherwise."""
    if call_id is None:
        return None
    calls = calls_visible_to(access_for(request.user)).select_related("fund", "event")
    call = calls.filter(pk=call_id).first()
    if call is None:
        raise Invalid({"call": [_("No such call.")]})
    return call


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applications the caller may see; anything else is 404.

    Create a draft with ``{"fund": "<code>", "organization": <id>, ...fund fields}``; edit it with
    PATCH while it is a draft or awaiting information; move it with the transition endpoints.
    """

    filterset_class = ApplicationFilter

    def get_queryset(self):
        queryset = applications_visible_to(self.request.user).select_related("fund", "organization")
        return self._with_details(queryset) if self.action == "retrieve" else queryset

    def _with_details(self, queryset):
        # Most applications never had an information request: ask in the same query whether this one
        # did, and read them only then (``application_detail_json``). The call comes along: its
        # parameter overrides count in the assessment.
        return queryset.select_related("call").annotate(
            has_information_requests=Exists(InformationRequest.objects.filter(application=OuterRef("pk"))),
            has_changes=Exists(ApplicationChange.objects.filter(application=OuterRef("pk"))),
            has_conflicts=Exists(
                Review.objects.filter(application=OuterRef("pk"), conflict_of_interest=True)
            ),
        )

    def filter_queryset(self, queryset):
        # The filters narrow lists; applied to one application they would only cost time.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def list(self, request, *args, **kwargs):
        # Plain rows with only what lists show (no fund fields, no assessment), serialised without
        # DRF's per-field machinery: see ``applications.representation``.
        page = self.paginate_queryset(list_rows(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(application_list_json(page, request.user))

    def retrieve(self, request, *args, **kwargs):
        return Response(application_detail_json(self.get_object(), request.user))

    def get_serializer_class(self):
        if self.action == "list":
            return ApplicationListSerializer
        if self.action == "create":
            return ApplicationCreateSerializer
        return ApplicationDetailSerializer

    def _detail(self, application, status_code=status.HTTP_200_OK):
        """The application as ``ApplicationDetailSerializer`` shows it, re-read with what it shows."""
        application = self._with_details(self.get_queryset()).get(pk=application.pk)
        return Response(application_detail_json(application, self.request.user), status=status_code)

    @extend_schema(request=ApplicationCreateSerializer, responses={201: ApplicationDetailSerializer})
    def create(self, request):
        serializer = ApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organization = Organization.objects.filter(pk=serializer.validated_data["organization"]).first()
        access = access_for(request.user)
        if organization is None or (access.organization_id not in (None, organization.pk)):
            return Response({"organization": [_("No such organisation.")]}, status=400)
        application = services.application_create(
            fund=serializer.validated_data["fund"], organization=organization, by=request.user,
            fields=_fund_fields(request.data),
            call=_chosen_call(request, serializer.validated_data.get("call")),
        )
        return self._detail(application, status.HTTP_201_CREATED)

    @extend_schema(request=dict, responses=ApplicationDetailSerializer)
    def partial_update(self, request, pk=None):
        application = self.get_object()
        fields = _fund_fields(request.data)
        fixed_values = {"fund": application.fund.code, "organization": application.organization_id,
                        "call": application.call_id}
        for fixed in ("fund", "organization", "call"):
            if fixed in request.data and str(request.data[fixed]) != str(fixed_values[fixed]):
                raise Invalid({fixed: [_("This cannot be changed; start a new application.")]})
        application = services.application_update(application_id=application.pk, by=request.user,
                                                  fields=fields)
        return self._detail(application)

    # ---------------------------------------------------------------- transitions

    def _transition(self, service, serializer_class=None, **extra):
        application = self.get_object()
        kwargs = dict(extra)
        if serializer_class is not None:
            serializer = serializer_class(data=self.request.data)
            serializer.is_valid(raise_exception=True)
            kwargs.update(serializer.validated_data)
        updated = service(application_id=application.pk, by=self.request.user, **kwargs)
        return self._detail(updated)

    @extend_schema(request=None, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(services.application_submit)

    @extend_schema(request=ReasonSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition(services.application_withdraw, ReasonSerializer)

    @extend_schema(request=None, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def start_screening(self, request, pk=None):
        return self._transition(services.application_start_screening)

    @extend_schema(request=RequestInformationSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def request_information(self, request, pk=None):
        return self._transition(services.application_request_information, RequestInformationSerializer)

    @extend_schema(request=AnswerSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def answer_information_request(self, request, pk=None):
        return self._transition(services.application_answer_information_request, AnswerSerializer)

    @extend_schema(request=None, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def send_to_committee(self, request, pk=None):
        return self._transition(services.application_send_to_committee)

    @extend_schema(request=ApproveSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        serializer = ApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        decision = {name: data.pop(name) for name in ("amount", "reason", "conditions") if name in data}
        application = self.get_object()
        updated = services.application_approve(application_id=application.pk, by=request.user,
                                               terms=data, **decision)
        return self._detail(updated)

    @extend_schema(request=ReasonSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._transition(services.application_reject, ReasonSerializer)

    @extend_schema(request=None, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept_conditions(self, request, pk=None):
        return self._transition(services.application_accept_conditions)

    @extend_schema(request=None, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def start_reporting(self, request, pk=None):
        return self._transition(services.application_start_reporting)

    @extend_schema(request=ReasonSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._transition(services.application_close, ReasonSerializer)

    # ---------------------------------------------------------------- related

    # An application's history, documents and reviews are short lists, answered whole: neither
    # pagination nor the list's filters.
    @extend_schema(responses=TransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        application = self.get_object()
        logs = application.transitions.select_related("by").order_by("at", "id")
        return Response(TransitionSerializer(logs, many=True).data)

    @extend_schema(methods=["GET"], responses=DocumentSerializer(many=True))
    @extend_schema(methods=["POST"], request={"multipart/form-data": DocumentUploadSerializer},
                   responses={201: DocumentSerializer})
    @action(detail=True, methods=["get", "post"], parser_classes=[UploadParser], pagination_class=None,
            filter_backends=[])
    def documents(self, request, pk=None):
        application = self.get_object()
        if request.method == "GET":
            documents = application.documents.order_by("kind", "-uploaded_at")
            return Response(DocumentSerializer(documents, many=True).data)
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.document_upload(
            application_id=application.pk, by=request.user,
            kind=serializer.validated_data["kind"], upload=serializer.validated_data["file"],
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>\d+)/file")
    def document_file(self, request, pk=None, document_id=None):
        application = self.get_object()
        document = get_object_or_404(Document, pk=document_id, application=application)
        return uploaded_file_response(document.file, filename=document.original_name,
                                      content_type=document.content_type)

    @extend_schema(methods=["GET"], responses=ReviewSerializer(many=True))
    @extend_schema(methods=["POST"], request=ReviewInputSerializer, responses={201: ReviewSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def reviews(self, request, pk=None):
        application = self.get_object()
        if request.method == "GET":
            if not may_see_reviews(request.user, application):
                raise NotPermitted(_("The committee's reviews are for its members without a conflict."))
            reviews = Review.objects.filter(application=application).select_related("reviewer")
            return Response(ReviewSerializer(reviews, many=True).data)
        if access_for(request.user).organization_id is not None:
            raise NotPermitted(_("Only members of the fund's committee review its applications."))
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = review_submit(application_id=application.pk, by=request.user, **serializer.validated_data)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


