"""``GET /api/v1/audit/history/?model=application&id=``: who changed what, for auditors and administrators."""

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.settings import api_settings

from listing.filters import ListFilterSet, Ordering, SearchFilter, date_filter
from organizations.access import access_for

AUDITED_MODELS = {
    "application": "applications.Application",
    "fund": "funds.Fund",
    "fund_parameters": "funds.FundParameters",
    "loan": "disbursements.Loan",
    "user": "organizations.User",
}
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
# Never shown, even to auditors (the user history does not store them either).
HIDDEN_FIELDS = {"password", "last_login"}
_ENCODER = DjangoJSONEncoder()


def _plain(value):
    """A JSON-ready value: decimals and dates as strings, like the rest of the API."""
    if value is None or isinstance(value, bool | int | str | list | dict):
        return value
    return _ENCODER.default(value)


class IsAuditorOrAdministrator(BasePermission):
    message = _("Only auditors and administrators may read the history of changes.")

    def has_permission(self, request, view):
        access = access_for(request.user)
        return access.is_auditor or access.is_administrator


class HistoryEntrySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    object_id = serializers.IntegerField(source="id")
    at = serializers.DateTimeField(source="history_date")
    action = serializers.SerializerMethodField()
    by = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()
    snapshot = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=sorted(ACTIONS.values())))
    def get_action(self, record) -> str:
        return ACTIONS[record.history_type]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_by(self, record):
        return record.history_user.get_username() if record.history_user_id else None

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_changes(self, record):
        """``{field: [before, after]}`` against the previous record of the same object."""
        previous = record.prev_record
        if previous is None:
            return {}
        delta = record.diff_against(previous)
        return {change.field: [_plain(change.old), _plain(change.new)] for change in delta.changes
                if change.field not in HIDDEN_FIELDS}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_snapshot(self, record):
        fields = [f for f in record.instance_type._meta.concrete_fields if f.attname not in HIDDEN_FIELDS]
        return {field.attname: _plain(getattr(record, field.attname, None)) for field in fields
                if hasattr(record, field.attname)}


class AuditHistoryFilter(ListFilterSet):
    """``search`` (the person who made the change), ``type``, ``from``/``until`` and ``ordering``."""

    search = SearchFilter(search_field="history_user__search_text",
                          help_text=_("Name, username or e-mail of the person who made the change."))
    type = filters.ChoiceFilter(field_name="history_type", label=_("Change"),
                                choices=[("+", _("Created")), ("~", _("Changed")), ("-", _("Deleted"))])
    changed_from = date_filter("history_date__date", "gte", _("From"))
    changed_to = date_filter("history_date__date", "lte", _("Until"))
    ordering = Ordering(columns={"date": (_("Date"), ("history_date",))}, default=("-date",),
                        tiebreak="history_id")


@extend_schema(
    parameters=[
        OpenApiParameter("model", str, required=True, enum=sorted(AUDITED_MODELS)),
        OpenApiParameter("id", int, required=False, description="One object's history only."),
    ],
)
class AuditHistoryView(ListAPIView):
    """Every recorded change to applications, funds, fund parameters, loans and users, newest first;
    ``search`` finds the changes made by a person, ``type`` (``+``, ``~``, ``-``), ``changed_from`` and
    ``changed_to`` narrow them, ``ordering=date`` lists the oldest first."""

    serializer_class = HistoryEntrySerializer
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, IsAuditorOrAdministrator]
    filterset_class = AuditHistoryFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema describes the application's history
            return apps.get_model(AUDITED_MODELS["application"]).history.none()
        name = self.request.query_params.get("model", "")
        if name not in AUDITED_MODELS:
            raise ValidationError({"model": [_("Choose one of: %(models)s.")
                                             % {"models": ", ".join(sorted(AUDITED_MODELS))}]})
        model = apps.get_model(AUDITED_MODELS[name])
        records = model.history.select_related("history_user").order_by("-history_date", "-history_id")
        object_id = self.request.query_params.get("id")
        if object_id not in (None, ""):
            try:
                object_id = int(object_id)
            except ValueError:
                raise ValidationError({"id": [_("Enter a whole number.")]}) from None
            if not 0 < object_id < 2**63:
                raise ValidationError({"id": [_("Enter a whole number.")]})
            records = records.filter(id=object_id)
        return records
