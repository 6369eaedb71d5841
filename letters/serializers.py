from django.urls import reverse
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organizations.access import access_for

from .models import Letter, ScheduleDocument


class LetterSerializer(serializers.ModelSerializer):
    """A decision letter. Why a rendering failed (``error``, ``attempts``) is shown to CLAC staff only."""

    reference = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    supersedes = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    superseded_by = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Letter
        fields = [
            "id", "reference", "application", "sequence", "decision", "language", "status",
            "status_display", "sha256", "size", "created_at", "rendered_at", "emailed_at",
            "supersedes", "superseded_by", "reissue_reason", "pdf", "attempts", "error",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_superseded_by(self, letter) -> int | None:
        newer = getattr(letter, "superseded_by", None)
        return newer.pk if newer is not None else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf(self, letter) -> str | None:
        if not letter.is_issued:
            return None
        request = self.context.get("request")
        path = reverse("letter-pdf", kwargs={"pk": letter.pk})
        return request.build_absolute_uri(path) if request else path

    def to_representation(self, letter):
        data = super().to_representation(letter)
        request = self.context.get("request")
        if request is None or not access_for(request.user).is_clac_staff:
            for name in STAFF_ONLY:
                data.pop(name)
        return data


# Fields of a letter that only CLAC staff receive; the schema documents them as optional.
STAFF_ONLY = ("attempts", "error")


class LetterSchema(OpenApiSerializerExtension):
    """The OpenAPI schema of ``LetterSerializer``: every field, with the staff-only ones not required,
    since an organisation's people never receive them."""

    target_class = LetterSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["required"] = [name for name in schema.get("required", []) if name not in STAFF_ONLY]
        return schema


class ReissueSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ScheduleDocumentSerializer(serializers.ModelSerializer):
    """A loan's definitive schedule (PDF), issued when its money is paid; never changed."""

    reference = serializers.CharField(read_only=True)
    application = serializers.IntegerField(source="loan.application_id", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    pdf = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField()

    class Meta:
        model = ScheduleDocument
        fields = [
            "id", "reference", "loan", "application", "disbursement", "schedule_version", "sequence",
            "language", "status", "status_display", "sha256", "size", "created_at", "rendered_at",
            "supersedes", "superseded_by", "reschedule_reason", "pdf",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_superseded_by(self, document) -> int | None:
        """The document that replaced this one (a later tranche or a reschedule), if any."""
        newer = getattr(document, "superseded_by", None)
        return newer.pk if newer is not None else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf(self, document) -> str | None:
        if not document.is_issued:
            return None
        request = self.context.get("request")
        path = reverse("schedule-document-pdf", kwargs={"pk": document.pk})
        return request.build_absolute_uri(path) if request else path
