from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length

from storefront.forms import strip_whitespace


class OrderLookupForm(FlaskForm):
    number = StringField(
        "Order number",
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=24)],
        description="Like SF-2026-8H3K9C2D",
    )
    email = EmailField(
        "Email used for the order",
        filters=[strip_whitespace],
        validators=[DataRequired(), Email(message="Enter a valid email address."), Length(max=254)],
    )
