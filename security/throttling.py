"""The API's throttles, counting clients by the address ``security.client`` reads (trusted proxies only)."""

from rest_framework import throttling

from .client import client_address


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    def get_ident(self, request):
        return client_address(request)
