"""
The machinery every app's API shares: reading a registry table, paging, who may write,
the throttle, errors as JSON, and what every operation's OpenAPI description has.

Per-app API packages (`<app>/api/`) hold only serializers, configuration-like views and
urls; the behaviour lives here once, as `shdt.core.tables` holds it once for pages and downloads.
The modules that settings name (pagination, permissions, throttling, exceptions) import no
DRF views, which import those settings in turn.
"""
