from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length as MaxLength
from wtforms.validators import NumberRange, Optional, ValidationError

from storefront.catalog.models import MAX_PRICE_CENTS
from storefront.forms import WholeNumberField
from storefront.money import format_money, parse_major_amount

SORT_CHOICES = [
    SelectChoice("newest", "Newest first"),
    SelectChoice("price_asc", "Price: low to high"),
    SelectChoice("price_desc", "Price: high to low"),
    SelectChoice("rating", "Best rated"),
]
ALL_CATEGORIES = SelectChoice("", "All categories")
# Keeps the OFFSET of any page within a 64-bit integer; no catalogue has this many pages.
MAX_PAGE = 1_000_000
PAGE_RANGE = f"Page must be between 1 and {MAX_PAGE:,}."


class CatalogFilterForm(FlaskForm):
    """The catalogue's query string. A GET form: no CSRF, and every field optional."""

    class Meta:
        csrf = False

    q = SearchField(
        "Search",
        validators=[Optional(), MaxLength(max=100, message="Search for at most 100 characters.")],
    )
    category = SelectField("Category", choices=[ALL_CATEGORIES], validate_choice=False, default="")
    # No Optional(): the inline validators below must run to set `.cents`, None when left empty.
    min_price = StringField("Min price")
    max_price = StringField("Max price")
    sort = SelectField("Sort by", choices=SORT_CHOICES, default="newest")
    page = WholeNumberField(
        "Page",
        default=1,
        validators=[Optional(), NumberRange(min=1, max=MAX_PAGE, message=PAGE_RANGE)],
        invalid_message=PAGE_RANGE,
    )

    def __init__(self, formdata, categories, currency):
        super().__init__(formdata)
        self.currency = currency
        self.category.choices = [ALL_CATEGORIES] + [SelectChoice(c.slug, c.name) for c in categories]

    def validate_category(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("There is no such category.")

    def validate_min_price(self, field):
        field.cents = self._cents(field)

    def validate_max_price(self, field):
        field.cents = self._cents(field)
        low = getattr(self.min_price, "cents", None)
        if low is not None and field.cents is not None and field.cents < low:
            raise ValidationError("Max price must not be below the min price.")

    def _cents(self, field):
        if not (field.data or "").strip():
            return None
        try:
            cents = parse_major_amount(field.data, self.currency)
        except ValueError as reason:
            raise ValidationError(f"{field.label.text} {reason}.") from None
        if cents > MAX_PRICE_CENTS:
            raise ValidationError(f"{field.label.text} must be at most {format_money(MAX_PRICE_CENTS, self.currency)}.")
        return cents

    @property
    def has_filters(self):
        return any([self.q.data, self.category.data, self.min_price.data, self.max_price.data])
