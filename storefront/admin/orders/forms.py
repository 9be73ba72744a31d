"""Forms of the order panel's inline actions that take input. Bare buttons (resend, re-issue, reset, render again)
need none: CSRFProtect checks every POST."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length

from storefront.forms import WholeNumberField, strip_whitespace
from storefront.integers import parse_int
from storefront.orders.back_office import MAX_EXTEND_DAYS


class NoteForm(FlaskForm):
    body = TextAreaField("Note", filters=[strip_whitespace], validators=[DataRequired(), Length(max=5000)])


class ResolveForm(FlaskForm):
    note = TextAreaField(
        "How it was settled",
        filters=[strip_whitespace],
        validators=[DataRequired(message="Say how it was settled."), Length(max=2000)],
    )


class ExtendForm(FlaskForm):
    days = WholeNumberField(
        "Extend by (days)",
        [DataRequired()],
        minimum=1,
        maximum=MAX_EXTEND_DAYS,
        default=7,
        invalid_message=f"Enter 1 to {MAX_EXTEND_DAYS} days.",
    )


class ShipForm(FlaskForm):
    """Carrier and tracking; the quantities per item come as `quantity-<order item id>` fields (see `quantities`)."""

    carrier = StringField("Carrier", filters=[strip_whitespace], validators=[DataRequired(), Length(max=80)])
    tracking_number = StringField(
        "Tracking number", filters=[strip_whitespace], validators=[DataRequired(), Length(max=120)]
    )
    tracking_url = URLField("Tracking link", filters=[strip_whitespace], validators=[DataRequired(), Length(max=500)])

    def quantities(self, formdata, lines):
        """{order item id: quantity} for each line the form offered; a blank or non-number field counts as 0."""
        return {line.item.id: parse_int(formdata.get(f"quantity-{line.item.id}", ""), 0, 10_000) or 0 for line in lines}
