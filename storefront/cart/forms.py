from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from storefront.forms import WholeNumberField, id_field, strip_whitespace
from storefront.integers import MAX_ID


def quantity_field(minimum=1, **kwargs):
    """A quantity of at least `minimum`. The upper limit is the product's stock, which only the cart service knows, so
    its refusal names the real number ("Only 3 of Mug available."); here numbers stop at a database integer."""
    too_few = f"Enter a quantity of {minimum} or more{' (0 removes the item)' if minimum == 0 else ''}."
    return WholeNumberField(
        "Quantity",
        validators=[InputRequired(), NumberRange(min=minimum, message=too_few)],
        minimum=-MAX_ID,
        maximum=MAX_ID,
        invalid_message="Enter the quantity as a whole number, like 2.",
        **kwargs,
    )


class AddToCartForm(FlaskForm):
    product_id = id_field("Product", validators=[DataRequired(message="Choose a product.")])
    quantity = quantity_field(default=1)
    next = HiddenField()


class QuantityForm(FlaskForm):
    quantity = quantity_field(minimum=0)


class ReminderForm(FlaskForm):
    """Consent to one reminder about the cart; the box is never ticked for the shopper."""

    email = EmailField(
        "Email for the reminder",
        filters=[strip_whitespace],
        validators=[Optional(), Email(message="Enter a valid email address."), Length(max=254)],
    )
    remind = BooleanField("Remind me about this cart once if I leave it")
