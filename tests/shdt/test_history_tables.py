"""
The history tables keep the indexes their readers use, and no other: a record's history
(by its id), the recent changes (by date, by person) and an import's changes (by import).
Every other index would be written again for each history row an import or a publication
writes (registry_history).
"""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db

READ_BY = {"id", "history_date", "history_user_id", "import_record_id"}


def history_models():
    return [model.history.model for model in apps.get_models() if hasattr(model, "history") and not model._meta.proxy]


def indexed_columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        column
        for constraint in constraints.values()
        if (constraint["index"] or constraint["unique"]) and not constraint["primary_key"]
        for column in constraint["columns"]
    }


def test_every_registry_model_has_its_history():
    names = {model._meta.label for model in history_models()}
    assert {"enterprises.HistoricalEnterprise", "enterprises.HistoricalListMembership", "bases.HistoricalExportBase"} <= names
    assert "policies.HistoricalPolicy" in names


@pytest.mark.parametrize("history", history_models(), ids=lambda model: model._meta.label)
def test_a_history_table_is_indexed_for_its_readers_only(history):
    indexed = indexed_columns(history._meta.db_table)
    assert indexed <= READ_BY, f"{history._meta.db_table} indexes {sorted(indexed - READ_BY)}, which no reader asks by"
    assert {"id", "history_date"} <= indexed
