from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from storefront.accounts.forms import MAX_PASSWORD_LENGTH
from storefront.forms import strip_whitespace


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        "Your password", validators=[DataRequired(message="Enter your password."), Length(max=MAX_PASSWORD_LENGTH)]
    )
    confirm = BooleanField(
        "I understand my account and personal details are deleted for good",
        validators=[DataRequired(message="Tick the box to confirm.")],
    )


class AdminDeleteForm(FlaskForm):
    typed_email = StringField(
        "Type the account's email to confirm",
        filters=[strip_whitespace],
        validators=[DataRequired(message="Type the account's email to confirm."), Length(max=254)],
    )
