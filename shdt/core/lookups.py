"""Lookups the ORM lacks."""

from django.db.models.lookups import In


class AnyOf(In):
    """
    `column IN (values)`, which PostgreSQL is sent as `column = ANY(%s)` with the values in
    one array parameter. A page's 50 ids as 50 parameters cost more to prepare on every
    request than the query costs to run, and psycopg keeps no converted statement of more
    than 50 parameters. Other databases get the plain IN.

    Use it as an expression: `.filter(AnyOf(F("enterprise_id"), ids))`.
    """

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))
