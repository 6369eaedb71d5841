from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .filters import NotificationFilter
from .models import Notification
from .serializers import NotificationSerializer, PreferencesSerializer, UnreadCountSerializer


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications, newest first; ``?unread=true`` lists only the unread ones;
    ``search``, ``kind``, ``created_from``/``created_to`` and ``ordering`` as on every list.

    Anyone else's notification does not exist for the caller (404).
    """

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema is built without a user
            return Notification.objects.none()
        return Notification.objects.filter(recipient=self.request.user, in_app=True).select_related(
            "application__fund"
        )

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = get_object_or_404(self.get_queryset(), pk=pk)
        notification = services.notification_mark_read(notification_id=notification.pk, by=request.user)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=UnreadCountSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        services.notifications_mark_all_read(by=request.user)
        return Response({"unread": 0})

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        count = Notification.objects.filter(recipient=request.user, in_app=True, read_at__isnull=True).count()
        return Response({"unread": count})


class NotificationPreferencesView(APIView):
    """Which non-essential notifications the caller receives. Decisions, information requests,
    expiries and arrears notices always go."""

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        return Response({"preferences": services.preferences_for(request.user)})

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request):
        serializer = PreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = services.preferences_set(user=request.user, choices=serializer.validated_data["preferences"])
        return Response({"preferences": rows})
