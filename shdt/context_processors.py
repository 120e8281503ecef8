"""What every page's template may show besides its own context."""

from .versioning import request_data_version


def last_updated(request):
    """
    `registry_updated_at`: when the registry's records last changed, for the footer of
    every page. A callable, so that a page that does not show it does not read it; the
    data version is read at most once per request however often it is shown.
    """
    return {"registry_updated_at": lambda: request_data_version(request).changed_at}
