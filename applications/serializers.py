from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from funds.models import Fund

from .models import Application, Document, Review
from .permissions import may_run
from .workflow import TRANSITIONS, Status, days_left


def available_transitions(application, user) -> list[str]:
    return [
        name for name, spec in TRANSITIONS.items()
        if application.status in spec.sources and may_run(user, application, name)
    ]


class ApplicationListSerializer(serializers.ModelSerializer):
    """An application as lists show it: no fund fields, the stored assessment only."""

    fund = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organization = serializers.PrimaryKeyRelatedField(read_only=True)
    call = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    organization_name = serializers.CharField(source="organization.short_name", read_only=True)
    reference = serializers.CharField(read_only=True)
    status_display = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id", "reference", "fund", "call", "organization", "organization_name", "status",
            "status_display", "currency", "requested_amount", "approved_amount", "submitted_at",
            "decision_due", "days_left", "created_at", "updated_at", "available_transitions",
        ]

    def get_status_display(self, application) -> str:
        # Not Model.get_status_display(): that translates every choice to find one label.
        return str(Status(application.status).label)

    def get_days_left(self, application) -> int | None:
        return days_left(application.status, application.decision_due, timezone.localdate())

    def get_available_transitions(self, application) -> list[str]:
        return available_transitions(application, self.context["request"].user)


class InformationRequestSerializer(serializers.Serializer):
    message = serializers.CharField()
    respond_by = serializers.DateField()
    requested_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    expired_at = serializers.DateTimeField(allow_null=True)


class ApplicationChangeSerializer(serializers.Serializer):
    """Answers the organisation changed after submitting: ``fields`` maps each to ``{"old", "new"}``."""

    at = serializers.DateTimeField()
    by = serializers.CharField(source="by.username")
    fields = serializers.DictField()
    assessment_before = serializers.DictField(allow_null=True)
    assessment_after = serializers.DictField(allow_null=True)


class ApplicationDetailSerializer(ApplicationListSerializer):
    """One application with its fund fields (flat, as in the API contract) and its assessment."""

    assessment = serializers.SerializerMethodField()
    information_requests = InformationRequestSerializer(many=True, read_only=True)
    changes = ApplicationChangeSerializer(many=True, read_only=True)

    class Meta(ApplicationListSerializer.Meta):
        fields = [
            *ApplicationListSerializer.Meta.fields, "assessment", "decision_warning_on",
            "decided_at", "decision_reason", "conditions", "decision_terms", "information_requests",
            "changes",
        ]

    @extend_schema_field(serializers.DictField())
    def get_assessment(self, application):
        from .services import application_assessment_json

        return application_assessment_json(application)

    def to_representation(self, application):
        data = super().to_representation(application)
        for name, value in application.data.items():
            data.setdefault(name, value)
        return data


class ApplicationCreateSerializer(serializers.Serializer):
    """``fund`` and ``organization``, then the fund's own fields (see each fund's rules)."""

    fund = serializers.SlugRelatedField(slug_field="code", queryset=Fund.objects.all())
    organization = serializers.IntegerField()
    call = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
                                    help_text="The call to apply to; by default the fund's open call.")


class TransitionSerializer(serializers.Serializer):
    """One line of an application's history: ``from``, ``to``, ``by``, ``at``, ``reason``."""

    transition = serializers.CharField()
    to = serializers.CharField(source="to_state")
    by = serializers.CharField(source="by.username", allow_null=True, default=None)
    at = serializers.DateTimeField()
    reason = serializers.CharField()

    def get_fields(self):
        # "from" is a Python keyword, so it cannot be declared as a class attribute.
        return {"from": serializers.CharField(source="from_state"), **super().get_fields()}


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Document
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at",
                  "is_current", "replaced_by", "url"]

    def get_url(self, document) -> str:
        return f"/api/v1/applications/{document.application_id}/documents/{document.pk}/file/"


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.CharField()
    file = serializers.FileField(allow_empty_file=True, use_url=False)


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "reviewer", "conflict_of_interest", "score", "criteria", "recommendation",
                  "comment", "created_at", "superseded_at"]
        read_only_fields = ["id", "reviewer", "created_at", "superseded_at"]


class ReviewInputSerializer(serializers.Serializer):
    conflict_of_interest = serializers.BooleanField(default=False)
    score = serializers.IntegerField(required=False, allow_null=True)
    criteria = serializers.DictField(child=serializers.IntegerField(), required=False)
    recommendation = serializers.CharField(required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RequestInformationSerializer(serializers.Serializer):
    # Blank is the service's to refuse, beside the answer date's problems, with its own message.
    message = serializers.CharField(allow_blank=True)
    respond_by = serializers.DateField(required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(allow_blank=True)  # blank: the service's own message


class ApproveSerializer(serializers.Serializer):
    amount = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    conditions = serializers.CharField(required=False, allow_blank=True, default="")
    annual_interest_rate = serializers.CharField(required=False)
    term_months = serializers.IntegerField(required=False)
    grace_months = serializers.IntegerField(required=False)
    repayment_frequency = serializers.CharField(required=False)
    schedule_method = serializers.CharField(required=False)
    harvest_dates = serializers.ListField(child=serializers.DateField(), required=False)
