"""Errors as JSON that names each field, whichever layer refused the request."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings


def exception_handler(exc, context):
    """
    Answer a Django ValidationError from a service as DRF answers its own: 400 with a JSON
    object that names each field, so the registry's rules read the same on every path.
    """
    if isinstance(exc, DjangoValidationError):
        view = context.get("view")
        exc = ValidationError(api_errors(exc, getattr(view, "error_fields", {})))
    from rest_framework.views import exception_handler as drf_exception_handler

    return drf_exception_handler(exc, context)


def api_errors(exc: DjangoValidationError, error_fields: dict[str, str]) -> dict:
    """
    Return the errors of `exc` keyed by the fields a client sends.

    `error_fields` renames internal fields to the field the client sent (`name_normalized`
    is the `name`); an internal field's message is dropped where the client's field already
    has one, as it only says the same thing in the words of the database.
    """
    errors = {}
    for key, messages in as_serializer_error(exc).items():
        if key == NON_FIELD_ERRORS:
            key = api_settings.NON_FIELD_ERRORS_KEY
        if key in error_fields:
            key = error_fields[key]
            if key in errors:
                continue
        errors.setdefault(key, []).extend(messages)
    return errors
