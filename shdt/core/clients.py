"""
Which address a request comes from: the one rule the API's throttle and the limits of the
pages and downloads (shdt.core.limits) count clients by.
"""

from django.conf import settings


def client_address(request) -> str:
    """
    The client's address. With no trusted proxy named (NUM_PROXIES unset or 0), the
    connecting address: X-Forwarded-For is written by the client as it likes, and a new
    value on each request would make a new client of every request. Behind NUM_PROXIES
    trusted proxies, the address the outermost of them reports: each proxy appends the
    address it was reached from, so the entry NUM_PROXIES from the end is the one the
    first trusted proxy saw; whatever the client wrote itself comes before it and is not read.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "NUM_PROXIES", 0)
    if not proxies:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded:
        return remote
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote
