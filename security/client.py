"""The address of the client behind a request, as seen through Fondos' own trusted proxies.

``NUM_PROXIES`` says how many reverse proxies of Fondos' own stand in front of the application (0 when
clients connect directly). Each proxy appends the address it received the request from to
``X-Forwarded-For``, so the client is the entry ``NUM_PROXIES`` places from the right; everything left of
it was written by the client and proves nothing. With no trusted proxy the header is ignored entirely.
Sign-in limits, the token endpoint and the API's throttles all ask here, so they count the same client.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "NUM_PROXIES", 0) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop for hop in (part.strip() for part in forwarded.split(",")) if hop]
    if not hops:
        return remote
    return _valid(hops[-min(proxies, len(hops))]) or remote
