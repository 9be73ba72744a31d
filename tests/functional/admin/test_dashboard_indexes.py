"""The dashboard's period queries read a range of an index, not the whole table, however many years of orders and
payments the shop has (the indexes on payment_events (kind, created_at) and orders.paid_at)."""

from datetime import date

import pytest

from storefront.extensions import db
from storefront.orders import metrics

PERIOD = metrics.Period(date(2026, 3, 1), date(2026, 3, 31))


def query_plan(statement):
    """The database's plan for `statement`; on Postgres with sequential scans priced out, so an index that can serve
    the query is named even in a test database of a few rows."""
    compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.connect() as connection:
        if postgres:
            connection.exec_driver_sql("SET enable_seqscan = off")
        rows = connection.exec_driver_sql(("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + str(compiled), params)
        return " ".join(str(row) for row in rows)


@pytest.mark.parametrize(
    ("statement", "index"),
    [
        (metrics.money_statement(PERIOD), "ix_payment_events_kind_created"),
        (metrics.order_counts_statement(PERIOD, "USD"), "ix_orders_paid_at"),
    ],
    ids=["money", "paid orders"],
)
def test_a_periods_figures_read_a_range_of_an_index(app, statement, index):
    assert index in query_plan(statement)
