"""JSON that may hold JSON text written by the database."""

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_ENCODER = JSONEncoder()


class FragmentJSONRenderer(JSONRenderer):
    """
    DRF's JSON renderer, written by orjson: values that are orjson.Fragment (JSON text that
    PostgreSQL wrote, e.g. enterprises.api.sql) go in as they are, not parsed and written
    again. What orjson does not write itself (datetimes included, so that they come out as
    DRF writes them; decimals, lazy translations) goes to DRF's own encoder.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=_ENCODER.default, option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS)
