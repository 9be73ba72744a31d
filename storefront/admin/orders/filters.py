"""The admin orders table's query string, parsed and checked: the table and its CSV export read the same filters.

Bad input is a 400 naming what is wrong, never a 500 and never silently ignored (a bookmarked view that quietly
dropped a filter would show the wrong orders)."""

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length as MaxLength
from wtforms.validators import ValidationError
from wtforms.widgets import DateInput

from storefront.orders.search import KINDS, SORT_KEYS, OrderFilter, parse_cursor
from storefront.orders.status import OrderStatus

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DAY_FORMAT = "Write dates as YYYY-MM-DD, such as 2026-12-02."

STATUS_CHOICES = [SelectChoice("", "Any status")] + [
    SelectChoice(status.value, status.value.replace("_", " ").capitalize()) for status in OrderStatus
]
KIND_CHOICES = [SelectChoice("", "Any kind")] + [SelectChoice(kind, kind.capitalize()) for kind in KINDS]
SORT_CHOICES = [SelectChoice("date", "Date placed"), SelectChoice("total", "Total"), SelectChoice("status", "Status")]
DIRECTION_CHOICES = [SelectChoice("desc", "Descending"), SelectChoice("asc", "Ascending")]
# Everything but the page cursors: what page links and the CSV export carry over.
FILTER_FIELDS = (
    "q",
    "status",
    "kind",
    "placed_from",
    "placed_to",
    "attention",
    "refunded",
    "unfulfilled",
    "sort",
    "dir",
)


class FlagField(BooleanField):
    """A checkbox of a GET form: `1` is on; absent, empty or `0` is off; anything else is an error."""

    def process_formdata(self, valuelist):
        value = valuelist[0] if valuelist else ""
        if value not in ("", "0", "1"):
            raise ValueError("Use 1 to turn this filter on, or leave it out.")
        self.data = value == "1"

    def _value(self):
        return "1"


class DayField(Field):
    """A UTC day written YYYY-MM-DD in ASCII digits; `data` is a date or None when left empty."""

    widget = DateInput()  # browsers offer a date picker and send YYYY-MM-DD

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not text:
            return
        if not _DAY.fullmatch(text):
            raise ValueError(DAY_FORMAT)
        try:
            self.data = date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text} is not a day of the calendar. {DAY_FORMAT}") from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if self.data else ""


class OrderFilterForm(FlaskForm):
    """The filters, search, sort and page of the admin orders table. A GET form: no CSRF, every field optional."""

    class Meta:
        csrf = False

    q = SearchField(
        "Search",
        description="The start of an order number, email or shipping name.",
        validators=[MaxLength(max=100, message="Search for at most 100 characters.")],
    )
    status = SelectField("Status", choices=STATUS_CHOICES, default="")
    kind = SelectField("Kind", choices=KIND_CHOICES, default="")
    placed_from = DayField("Placed from")
    placed_to = DayField("Placed to")
    attention = FlagField("Needs attention")
    refunded = FlagField("Has refunds")
    unfulfilled = FlagField("Unfulfilled")
    sort = SelectField("Sort by", choices=SORT_CHOICES, default="date")
    dir = SelectField("Direction", choices=DIRECTION_CHOICES, default="desc")
    after = StringField("After")
    before = StringField("Before")

    def validate_placed_to(self, field):
        if field.data and self.placed_from.data and field.data < self.placed_from.data:
            raise ValidationError("Placed to must not be before placed from.")

    def validate_after(self, field):
        field.cursor = self._cursor(field)

    def validate_before(self, field):
        field.cursor = self._cursor(field)
        if field.cursor is not None and self.after.data:
            raise ValidationError("Ask for the page after a row or before one, not both.")

    def _cursor(self, field):
        if not field.data:
            return None
        sort = self.sort.data if self.sort.data in SORT_KEYS else "date"
        try:
            return parse_cursor(field.data, sort)
        except ValueError as reason:
            raise ValidationError(str(reason)) from None

    def order_filter(self):
        """The validated filters, for storefront/orders/search.py."""
        return OrderFilter(
            status=self.status.data or "",
            attention=self.attention.data,
            placed_from=self.placed_from.data,
            placed_to=self.placed_to.data,
            kind=self.kind.data or "",
            refunded=self.refunded.data,
            unfulfilled=self.unfulfilled.data,
            text=(self.q.data or "").strip(),
            sort=self.sort.data,
            descending=self.dir.data == "desc",
        )

    def query_args(self, **changes):
        """The filters as URL parameters without the page cursors (plus `changes`): for page links and the CSV."""
        args = {
            name: self[name].raw_data[0] for name in FILTER_FIELDS if self[name].raw_data and self[name].raw_data[0]
        }
        return {**args, **changes}
