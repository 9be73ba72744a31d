"""Small pieces shared by the forms of several domains."""

from flask import render_template
from wtforms import IntegerField

from storefront.integers import MAX_BIGINT, MAX_ID, parse_int


def strip_whitespace(value):
    """WTForms filter: what people paste often carries spaces at either end."""
    return value.strip() if isinstance(value, str) else value


class WholeNumberField(IntegerField):
    """IntegerField for ASCII digits within [minimum, maximum]: int() would take '٣', '３' and numbers of any size.

    Anything else leaves `data` None (so a view reading it before validation never sees a number the database would
    refuse) and is a validation error with `invalid_message`."""

    def __init__(self, label=None, validators=None, minimum=-MAX_BIGINT - 1, maximum=MAX_BIGINT, **kwargs):
        self.invalid_message = kwargs.pop("invalid_message", "Enter a whole number.")
        super().__init__(label, validators, **kwargs)
        self.bounds = (minimum, maximum)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = parse_int(valuelist[0].strip(), *self.bounds)
        if self.data is None:
            raise ValueError(self.invalid_message)


def id_field(label=None, validators=()):
    """A field holding one of our database ids, as our own pages send it back."""
    return WholeNumberField(label, list(validators), minimum=1, maximum=MAX_ID, invalid_message="No such item.")


def render_form(template, form, **context):
    """The page holding `form`: 200 when first shown, 422 when it was submitted and refused (its errors shown)."""
    return render_template(template, form=form, **context), 422 if form.is_submitted() else 200
