"""Reading a page the way a crawler or a link preview does: its meta tags, canonical link and JSON-LD."""

import json
from html.parser import HTMLParser

SHOP = "https://shop.example.com"


class HeadReader(HTMLParser):
    """Collects <meta name/property>, <link rel=canonical>, <img> attributes and the JSON-LD blocks of a page."""

    def __init__(self):
        super().__init__()
        self.meta, self.canonical, self.images, self.json_ld = {}, [], [], []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta[attrs.get("name") or attrs["property"]] = attrs.get("content")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        elif tag == "img":
            self.images.append(attrs)
        self._in_json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))

    def handle_endtag(self, tag):
        self._in_json_ld = False


def read_head(response):
    reader = HeadReader()
    reader.feed(response.get_data(as_text=True))
    return reader
