from rest_framework import serializers

from .kinds import Kind
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    application_reference = serializers.SerializerMethodField()
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "application", "application_reference", "created_at",
                  "read_at", "is_read"]
        read_only_fields = fields

    def get_application_reference(self, notification) -> str | None:
        return notification.application.reference if notification.application_id else None

    def get_is_read(self, notification) -> bool:
        return notification.read_at is not None


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    label = serializers.CharField(read_only=True)
    essential = serializers.BooleanField(read_only=True)
    email = serializers.BooleanField(default=True)
    in_app = serializers.BooleanField(default=True)


class PreferencesSerializer(serializers.Serializer):
    preferences = PreferenceSerializer(many=True)
