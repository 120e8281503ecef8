"""
The SELECT that a queryset runs, for the statements Django's ORM cannot write itself:
PostgreSQL's `COPY (SELECT …) TO STDOUT` (shdt.core.sql_exports) and `INSERT … SELECT`
(shdt.core.publication). The one place the registry asks the ORM for a queryset's SQL;
the tests run both uses on SQLite and PostgreSQL, so a Django release that changed the
compiler's interface would fail them, not pass silently.
"""

from django.db.models import QuerySet


def select_sql(queryset: QuerySet) -> tuple[str, tuple]:
    """The queryset's SELECT and its parameters, as the database adapter takes them."""
    return queryset.query.get_compiler(using=queryset.db).as_sql()
