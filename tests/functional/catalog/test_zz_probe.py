import pytest
from tests.factories import make_product


@pytest.mark.parametrize("url", ["/products/a%00b", "/?q=caf%C3%89", "/?min_price=99999999", "/?q=%25", "/?q=_"])
def test_probe(client, url):
    make_product(title="Café 100% pure_x")
    r = client.get(url)
    print(url, r.status_code, "Café" in r.get_data(as_text=True))
