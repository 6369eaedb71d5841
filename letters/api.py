from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from applications.selectors import applications_visible_to
from core.errors import WrongState
from core.http import issued_pdf_response

from . import services
from .models import Letter
from .selectors import letters_visible_to, schedule_documents_visible_to
from .serializers import LetterSerializer, ReissueSerializer, ScheduleDocumentSerializer


class ApplicationLettersView(generics.ListAPIView):
    """The decision letters of one application, oldest first; another organisation's is 404."""

    serializer_class = LetterSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Letter.objects.none()
        application = get_object_or_404(applications_visible_to(self.request.user),
                                         pk=self.kwargs["application_id"])
        return letters_visible_to(self.request.user).filter(application=application)


class LetterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Decision letters the caller may see: those of the applications they may see."""

    serializer_class = LetterSerializer

    def get_queryset(self):
        return letters_visible_to(self.request.user)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        letter = self.get_object()
        if not letter.is_issued:
            raise WrongState(letter.get_status_display())
        return issued_pdf_response(letter)

    @extend_schema(request=ReissueSerializer, responses={201: LetterSerializer})
    @action(detail=True, methods=["post"])
    def reissue(self, request, pk=None):
        """Staff: replace this letter with a corrected one, rendered from the application as it is now."""
        letter = self.get_object()
        given = ReissueSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        new = services.letter_reissue(letter_id=letter.pk, by=request.user,
                                      reason=given.validated_data["reason"])
        new = self.get_queryset().get(pk=new.pk)
        return Response(self.get_serializer(new).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=LetterSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Staff: prepare a failed letter again."""
        letter = services.letter_retry(letter_id=self.get_object().pk, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=letter.pk)).data)


class ScheduleDocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Loans' definitive schedules (``?loan=``), issued when the money is paid; another organisation's
    are not found."""

    serializer_class = ScheduleDocumentSerializer

    def get_queryset(self):
        documents = (schedule_documents_visible_to(self.request.user).select_related("superseded_by")
                     .order_by("loan_id", "sequence"))
        loan = self.request.query_params.get("loan", "")
        if loan.isascii() and loan.isdigit():
            documents = documents.filter(loan_id=int(loan))
        return documents

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        document = self.get_object()
        if not document.is_issued:
            raise WrongState(document.get_status_display())
        return issued_pdf_response(document)
