from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from storefront.cart.services import MAX_QUANTITY


class AddToCartForm(FlaskForm):
    product_id = IntegerField("Product", validators=[DataRequired(message="Choose a product.")])
    quantity = IntegerField(
        "Quantity",
        default=1,
        validators=[
            InputRequired(),
            NumberRange(min=1, max=MAX_QUANTITY, message=f"Choose between 1 and {MAX_QUANTITY}."),
        ],
    )
    next = HiddenField()


class QuantityForm(FlaskForm):
    quantity = IntegerField(
        "Quantity",
        validators=[
            InputRequired(),
            NumberRange(min=0, max=MAX_QUANTITY, message=f"Choose between 0 and {MAX_QUANTITY}."),
        ],
    )
