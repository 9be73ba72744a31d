from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, StringField
from wtforms.validators import AnyOf, Email, InputRequired, Length, NumberRange, Optional

from storefront.cart.forms import quantity_field
from storefront.forms import WholeNumberField, id_field, strip_whitespace
from storefront.integers import MAX_ID


class CheckoutForm(FlaskForm):
    """Where the lines come from (the cart, or one "buy now" product) and the guest's email."""

    source = HiddenField(default="cart", validators=[AnyOf(["cart", "buy_now"], message="Unknown checkout.")])
    product_id = id_field(validators=[Optional()])
    quantity = WholeNumberField(default=1, validators=[Optional(), NumberRange(min=1)], minimum=1, maximum=MAX_ID)
    email = EmailField(
        "Email for your receipt and downloads",
        filters=[strip_whitespace],
        validators=[Optional(), Email(message="Enter a valid email address."), Length(max=254)],
    )
    # Consent to one reminder about the cart if the payment is not finished; never ticked for the shopper.
    remind_me = BooleanField("Remind me about this cart once if I don't finish paying")
    promo_code = StringField(
        "Promotion code (optional)", filters=[strip_whitespace], validators=[Optional(), Length(max=40)]
    )


class BuyNowForm(FlaskForm):
    product_id = id_field(validators=[InputRequired()])
    quantity = quantity_field(default=1)
