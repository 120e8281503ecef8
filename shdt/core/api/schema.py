"""
What every operation's OpenAPI description has: documented parameters and error answers.
A list's query parameters are its FilterSet's filters, described from them (help_text, example).
"""

from django import forms
from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework.permissions import SAFE_METHODS


class RegistryFilterExtension(DjangoFilterExtension):
    """
    drf-spectacular's own description of a FilterSet's filters (their types, enums and
    `help_text`), with what each registry filter adds (shdt.core.filtering.RegistryFilter):
    its example, and, for a filter that takes a whole number (a year), the integer type
    and bounds its form field checks.
    """

    target_class = "shdt.core.api.filters.TableFilterBackend"
    priority = 1  # before drf-spectacular's own extension, which it extends

    def _get_explicit_filter_choices(self, filter_field):
        # drf-spectacular leaves out the values of choices given by a function, lest it query
        # the database; ours are the reference codes, the lists' years and the issuers the
        # public sees, each read once per data version, and a client needs them: `district`
        # takes pudong, not any string. Without a database at hand (a schema built before
        # one exists) the parameter is described without them.
        choices = filter_field.extra.get("choices")
        if not callable(choices):
            return super()._get_explicit_filter_choices(filter_field)
        try:
            return [value for value, _label in choices()]
        except (DatabaseError, RuntimeError):
            return []

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        for parameter in parameters:
            # The model field's verbose name ("code"): the description says more.
            parameter["schema"].pop("title", None)
            parameter["schema"].get("items", {}).pop("title", None)
            if filter_field.field_class is forms.IntegerField:
                bounds = {"minimum": filter_field.extra.get("min_value"), "maximum": filter_field.extra.get("max_value")}
                parameter["schema"] = {"type": "integer", **{k: v for k, v in bounds.items() if v is not None}}
            if getattr(filter_field, "example", None) is not None:
                parameter["example"] = filter_field.example
            # A value left empty is no value (`district=` is refused); whether or not the
            # allowed values could be listed, an empty one is not among them.
            schema = parameter["schema"].get("items", parameter["schema"])
            if schema.get("type") == "string" and "enum" not in schema and filter_field.extra.get("choices"):
                schema["minLength"] = 1
        return parameters


def parameter(name, description, example, *, type=str, many=False, location=OpenApiParameter.QUERY, **kwargs):
    """An OpenAPI parameter with its description and an example, as every one of ours has."""
    return OpenApiParameter(
        name,
        type=type,
        location=location,
        description=description,
        many=many or None,
        # `district=pudong&district=xuhui`: a repeated parameter, as the page's form sends it.
        explode=True if many else None,
        style="form" if many else None,
        examples=[OpenApiExample("example", value=example)],
        **kwargs,
    )


_ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, in words."}},
    "required": ["detail"],
}
_FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": (
        "Each field that was refused, with its messages; `non_field_errors` holds those about "
        "the record as a whole. A list field's messages are keyed by the position of the item."
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        ]
    },
    "example": {"name": ["An enterprise with this name already exists: “博彦科技（上海）有限公司”."]},
}


class RegistryAutoSchema(AutoSchema):
    """
    drf-spectacular's schema, plus what every operation of ours may answer besides success:
    refused input (400), a bad token (401), no permission (403), nothing there (404) and
    the throttle (429), so that clients and schema checkers know each answer's shape.
    """

    def get_auth(self):
        auths = super().get_auth()
        if self.method in SAFE_METHODS:
            auths.append({})  # reading needs no account
        return auths

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            # `list=` or `q=`, as the page's form sends an option left at "all": the same as
            # leaving the parameter out. (Repeatable parameters take only real values.)
            if parameter["in"] == "query" and parameter.get("schema", {}).get("type") != "array":
                parameter["allowEmptyValue"] = True
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in self._error_responses().items():
            responses.setdefault(code, response)
        return dict(sorted(responses.items()))

    def _error_responses(self) -> dict:
        error = self._component("Error", _ERROR_SCHEMA)
        field_errors = self._component("FieldErrors", _FIELD_ERRORS_SCHEMA)
        bad_request = self._component("BadRequest", {"anyOf": [field_errors, error]})
        has_path_parameters = "{" in self.path
        codes = {
            "401": (error, _("The token or session sent is not valid.")),
            "429": (error, _("Too many requests: wait the number of seconds in Retry-After.")),
        }
        if self.method in SAFE_METHODS:
            if self._is_list_view():
                codes["400"] = (field_errors, _("A query parameter was refused; each is named with its messages."))
                codes["404"] = (error, _("No such page of results."))
            elif has_path_parameters:
                codes["404"] = (error, _("No such record."))
        else:
            codes["403"] = (error, _("This account may not make this change."))
            if self.method != "DELETE":
                codes["400"] = (
                    bad_request,
                    _("The body could not be read (detail), or the record was refused: each field named with its messages."),
                )
            if has_path_parameters:
                codes["404"] = (error, _("No such record."))
        responses = {}
        for code, (schema, description) in codes.items():
            response = {
                "description": str(description),
                "content": {"application/json": {"schema": schema}},
            }
            if code == "429":
                response["headers"] = {
                    "Retry-After": {
                        "description": str(_("Seconds to wait before the next request.")),
                        "schema": {"type": "integer"},
                    }
                }
            responses[code] = response
        return responses

    def _component(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref
