from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from storefront.cart.services import MAX_QUANTITY
from storefront.forms import WholeNumberField, id_field


def quantity_field(minimum=1, **kwargs):
    message = f"Choose between {minimum} and {MAX_QUANTITY}."
    return WholeNumberField(
        "Quantity",
        validators=[InputRequired(), NumberRange(min=minimum, max=MAX_QUANTITY, message=message)],
        invalid_message=message,
        **kwargs,
    )


class AddToCartForm(FlaskForm):
    product_id = id_field("Product", validators=[DataRequired(message="Choose a product.")])
    quantity = quantity_field(default=1)
    next = HiddenField()


class QuantityForm(FlaskForm):
    quantity = quantity_field(minimum=0)
