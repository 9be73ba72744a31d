from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput

from storefront.forms import WholeNumberField
from storefront.integers import MAX_ID
from storefront.legal.services import BODY_MAX_LENGTH


class AcceptTermsForm(FlaskForm):
    # The version shown: accepting it when newer terms came out meanwhile is refused.
    version = WholeNumberField(widget=HiddenInput(), validators=[DataRequired()], minimum=1, maximum=MAX_ID)
    accept = BooleanField(
        "I have read and accept the current terms of service",
        validators=[DataRequired(message="Accept the terms to continue to checkout.")],
    )


class PublishForm(FlaskForm):
    body = TextAreaField(
        "Text (Markdown)",
        validators=[DataRequired(message="Write the document's text."), Length(max=BODY_MAX_LENGTH)],
        description="Publishing saves a new version dated today; earlier versions stay in the history.",
    )
