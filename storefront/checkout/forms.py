from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, IntegerField
from wtforms.validators import AnyOf, Email, InputRequired, Length, NumberRange, Optional

from storefront.cart.services import MAX_QUANTITY


class CheckoutForm(FlaskForm):
    """Where the lines come from (the cart, or one "buy now" product) and the guest's email."""

    source = HiddenField(default="cart", validators=[AnyOf(["cart", "buy_now"], message="Unknown checkout.")])
    product_id = IntegerField(validators=[Optional()])
    quantity = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=MAX_QUANTITY)])
    email = EmailField(
        "Email for your receipt and downloads",
        validators=[Optional(), Email(message="Enter a valid email address."), Length(max=254)],
    )


class BuyNowForm(FlaskForm):
    product_id = IntegerField(validators=[InputRequired()])
    quantity = IntegerField(
        "Quantity",
        default=1,
        validators=[
            InputRequired(),
            NumberRange(min=1, max=MAX_QUANTITY, message=f"Choose between 1 and {MAX_QUANTITY}."),
        ],
    )
