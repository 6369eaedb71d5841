from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from security.throttling import ScopedRateThrottle
from security.two_factor import confirmed_device, second_factor_required

from .accounts import ACCOUNT, login_failed, login_succeeded, login_waits
from .authentication import TokenAuthentication
from .filters import OrganizationFilter
from .models import ApiToken, Organization
from .selectors import organizations_visible_to
from .services import api_token_create, api_token_revoke


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        required=False, allow_blank=True, max_length=12,
        help_text=_("The current code from the authenticator app, for people who use two-factor "
                    "sign-in."),
    )


WAIT = _("Too many failed attempts. Try again in a few minutes.")
TokenResponse = inline_serializer("TokenResponse", {"token": serializers.CharField()})


class TokenView(APIView):
    """Exchange a username and password for a new API token, shown once; DELETE revokes the token sent.

    Tokens expire after ``FONDOS_API_TOKEN_DAYS`` days and stop working when the password changes."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def get_authenticators(self):
        # Only DELETE needs to know who is calling, and only by the token it revokes.
        if self.request is not None and self.request.method == "DELETE":
            return [TokenAuthentication()]
        return []

    def get_authenticate_header(self, request):
        return "Token"

    def get_throttles(self):
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponse})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username, otp = serializer.validated_data["username"], serializer.validated_data.get("otp", "")
        waits = login_waits(request, username)
        # During an account's wait, the password and the current code together still open it.
        lifting = waits == {ACCOUNT} and bool(otp)
        if waits and not lifting:
            raise Throttled(detail=WAIT)
        user = authenticate(request, username=username, password=serializer.validated_data["password"],
                            second_factor_follows=lifting)
        if lifting:
            return self._lift_wait(request, user, username, otp)
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("Unable to sign in with those credentials."))
        # A token is as good as a signed-in session, so it asks for the same second factor.
        device = confirmed_device(user)
        if device is None and second_factor_required(user):
            raise PermissionDenied(_("Your role requires two-factor sign-in: turn it on in your account "
                                     "on the web, then ask for a token with the code in “otp”."))
        if device is not None and not device.verify_token(serializer.validated_data.get("otp", "")):
            raise AuthenticationFailed(_("Give the current code from your authenticator app in “otp”."))
        return self._issue(user)

    @staticmethod
    def _issue(user):
        token = api_token_create(user=user)
        # The key is shown this once; no cache on the way may keep it.
        return Response({"token": token.key}, headers={"Cache-Control": "no-store"})

    def _lift_wait(self, request, user, username, otp):
        """Password and code both right: the account's wait ends. Anything wrong counts as a failure and
        answers like the wait itself, so that it tells nothing about which part was wrong."""
        device = confirmed_device(user) if user is not None and user.is_active else None
        if device is None or not device.verify_token(otp):
            if user is not None:
                login_failed(request, username)
            raise Throttled(detail=WAIT)
        login_succeeded(request, username)
        return self._issue(user)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):
            raise AuthenticationFailed(_("Send the token to revoke in the Authorization header."))
        api_token_revoke(user=request.user, token_id=request.auth.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganizationSerializer(serializers.ModelSerializer):
    products = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id", "legal_name", "short_name", "country", "fairtrade_id", "certification_status",
            "certification_expiry", "grade", "products", "members_women", "members_men",
            "members_youth", "national_coordinator", "preferred_language", "contact_emails",
        ]


class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """The organisations the caller may see: an OPP's staff see their own only."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter

    def get_queryset(self):
        return organizations_visible_to(self.request.user).prefetch_related("products")
