"""The catalogue search stays cheap as the catalogue grows: its count is a bare count(*) and, on Postgres, its
substring match is answered from the trigram indexes instead of reading every product."""

import re

import pytest
from sqlalchemy import insert, text

from storefront.catalog import services
from storefront.catalog.models import Product
from storefront.extensions import db
from tests.factories import make_category, make_product


def _explain(statement):
    """Postgres' plan for `statement`, with sequential scans priced out so a small table still shows the index, once
    the indexes' pending lists are merged and the statistics are fresh (autovacuum does both in production)."""
    compiled = statement.compile(dialect=db.engine.dialect)
    for index in ("ix_products_title_trgm", "ix_products_description_md_trgm"):
        db.session.execute(text("SELECT gin_clean_pending_list(CAST(:index AS regclass))"), {"index": index})
    db.session.execute(text("ANALYZE products"))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN {compiled.string}", compiled.params)
    return "\n".join(row[0] for row in rows)


def _add_products(titles):
    rows = [
        {
            "slug": f"p-{number}",
            "title": title,
            "description_md": f"A sturdy {title}",
            "price_cents": 100,
            "currency": "USD",
            "kind": "digital",
            "is_published": True,
            "buyer_fields": [],
        }
        for number, title in enumerate(titles)
    ]
    db.session.execute(insert(Product), rows)
    db.session.commit()


@pytest.fixture
def postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigram indexes exist on Postgres only")


@pytest.mark.parametrize("words", ["print", "linen print"])
def test_a_text_search_reads_the_trigram_indexes_on_title_and_description(app, postgres_only, words):
    _add_products(f"Poster {number}" for number in range(3000))
    make_product(title="Linen print", description="Printed on linen")
    plan = _explain(services.catalogue_statement(services.CatalogQuery(text=words, sort="price_asc")))
    assert "ix_products_title_trgm" in plan
    assert "ix_products_description_md_trgm" in plan
    assert "Seq Scan on products" not in plan


def test_the_trigram_search_still_matches_any_part_of_a_word_in_any_case(client, postgres_only):
    make_product(title="Sunrise Print", description="")
    make_product(title="Harbour Mug", description="Glazed STONEWARE")
    page = client.get("/?q=rint").get_data(as_text=True) + client.get("/?q=tonew").get_data(as_text=True)
    assert "Sunrise Print" in page and "Harbour Mug" in page


def test_the_result_count_counts_ids_without_reading_product_columns(client, count_queries):
    prints = make_category("Prints")
    for number in range(5):
        make_product(title=f"Print {number}", category=prints, description="long words " * 50)
    make_product(title="Mug", description="print on it")
    with count_queries() as seen:
        page = client.get("/?q=print&category=prints").get_data(as_text=True)
    assert "5 products" in page
    counts = [statement for statement in seen.statements if re.search(r"count\(\*\)", statement, re.I)]
    assert len(counts) == 1
    assert "description_md" in counts[0]  # searched, since the text matches descriptions too
    assert not re.search(r"SELECT\s+products\.\w+.*count", counts[0], re.I | re.S)
    assert "products.title AS" not in counts[0] and "FROM (SELECT" not in counts[0]
