"""The shapes of the project-report API, for its OpenAPI schema (the answers are built in
``reporting.representation`` and ``reporting.outcomes``)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .fields import ExpenditureInput, IndicatorInput, PeopleInput
from .models import AttachmentKind
from .workflow import ReportKind, ReportStatus


class IndicatorSerializer(IndicatorInput):
    from_baseline = serializers.BooleanField(read_only=True)


class ExpenditureSerializer(ExpenditureInput):
    receipts = serializers.ListField(child=serializers.IntegerField(), read_only=True)


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    budget_line = serializers.CharField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.CharField()


class AttachmentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    budget_line = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    file = serializers.FileField(error_messages={"required": _("Choose a file to attach.")})


class ReportHistorySerializer(serializers.Serializer):
    transition = serializers.CharField()
    to = serializers.ChoiceField(choices=ReportStatus.choices)
    by = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField()
    comments = serializers.CharField()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.ChoiceField(choices=ReportStatus.choices)
        return fields


class ProjectReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    sequence = serializers.IntegerField()
    required = serializers.BooleanField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    due_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    narrative = serializers.CharField()
    indicators = IndicatorSerializer(many=True)
    people_reached = PeopleInput()
    expenditures = ExpenditureSerializer(many=True)
    compensation_use = serializers.CharField()
    producers_compensated = serializers.IntegerField(allow_null=True)
    attachments = AttachmentSerializer(many=True)
    comments = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    available_transitions = serializers.ListField(child=serializers.CharField())
    history = ReportHistorySerializer(many=True)


class OutcomeIndicatorSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    unit = serializers.CharField()
    projects = serializers.IntegerField()
    baseline = serializers.DecimalField(max_digits=24, decimal_places=4)
    latest = serializers.DecimalField(max_digits=24, decimal_places=4)
    change_percent = serializers.DecimalField(max_digits=24, decimal_places=2, allow_null=True)


class OutcomesSerializer(serializers.Serializer):
    filters = serializers.DictField()
    awards = serializers.IntegerField()
    currency = serializers.CharField()
    awarded = serializers.DecimalField(max_digits=18, decimal_places=2)
    paid = serializers.DecimalField(max_digits=18, decimal_places=2)
    indicators = OutcomeIndicatorSerializer(many=True)
    people_reached = PeopleInput()
