from tests.factories import make_product


def test_catalogue_lists_a_published_product(client, app):
    make_product(title="Sunrise Print")
    response = client.get("/")
    assert response.status_code == 200
    assert b"Sunrise Print" in response.data
