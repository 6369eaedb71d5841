"""``/api/v1/calls/`` and ``/api/v1/events/``: read-only, paginated, searchable and sortable."""

from django.utils import timezone, translation
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets

from funds.rules.events import EVENT_TYPES
from organizations.access import access_for

from .events import event_claims
from .filters import CallFilter, EventFilter
from .models import Call, ClimateEvent
from .selectors import calls_visible_to, calls_with_committed

AMOUNT = {"max_digits": 16, "decimal_places": 2}


class CallSerializer(serializers.ModelSerializer):
    """A call: ``title`` in the request's language; ``closes_on`` null when always open; ``countries``
    empty when open to every country; ``committed`` is what its approvals hold, ``available`` the rest
    of its budget."""

    fund = serializers.SlugRelatedField(slug_field="code", read_only=True)
    title = serializers.SerializerMethodField()
    committed = serializers.DecimalField(read_only=True, **AMOUNT)
    available = serializers.SerializerMethodField()
    is_open = serializers.SerializerMethodField()
    countries = serializers.ListField(child=serializers.CharField())
    products = serializers.ListField(child=serializers.CharField())
    parameter_overrides = serializers.DictField()

    class Meta:
        model = Call
        fields = ["id", "fund", "title", "opens_on", "closes_on", "budget", "committed", "available",
                  "currency", "countries", "products", "event", "is_open", "parameter_overrides"]

    def get_title(self, call) -> str:
        return call.title_in((translation.get_language() or "es")[:2])

    @extend_schema_field(serializers.DecimalField(**AMOUNT))
    def get_available(self, call):
        return serializers.DecimalField(**AMOUNT).to_representation(call.budget - call.committed)

    def get_is_open(self, call) -> bool:
        return call.is_open_on(timezone.localdate())


class ClaimsSerializer(serializers.Serializer):
    country = serializers.CharField()
    currency = serializers.CharField()
    count = serializers.IntegerField()
    claimed = serializers.DecimalField(**AMOUNT)
    assessed = serializers.DecimalField(**AMOUNT)
    awarded = serializers.DecimalField(**AMOUNT)
    paid = serializers.DecimalField(**AMOUNT)


class EventSerializer(serializers.ModelSerializer):
    """A declared climate event, its calls and its claims per country (of the applications the
    caller may see)."""

    event_type = serializers.ChoiceField(choices=list(EVENT_TYPES))
    countries = serializers.ListField(child=serializers.CharField())
    glide = serializers.CharField(allow_null=True)
    calls = serializers.SerializerMethodField()
    claims = serializers.SerializerMethodField()

    class Meta:
        model = ClimateEvent
        fields = ["id", "name", "event_type", "starts_on", "ends_on", "countries", "regions", "glide",
                  "calls", "claims"]

    def get_calls(self, event) -> list[int]:
        return sorted(call.pk for call in event.calls.all())

    @extend_schema_field(ClaimsSerializer(many=True))
    def get_claims(self, event):
        return ClaimsSerializer(self.context["claims"].get(event.pk, []), many=True).data


class CallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Calls of the funds. Staff see all; an organisation sees those open to its country."""

    serializer_class = CallSerializer
    filterset_class = CallFilter

    def get_queryset(self):
        queryset = calls_visible_to(access_for(self.request.user)).select_related("fund")
        return calls_with_committed(queryset)

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset


class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Declared climate events with their fast-track calls and claims per country."""

    serializer_class = EventSerializer
    filterset_class = EventFilter
    queryset = ClimateEvent.objects.prefetch_related("calls")

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer(self, instance=None, *args, **kwargs):
        if instance is not None:
            events = instance if kwargs.get("many") else [instance]
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["claims"] = event_claims(events, user=self.request.user)
        return super().get_serializer(instance, *args, **kwargs)
