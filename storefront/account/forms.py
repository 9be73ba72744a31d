from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from storefront.accounts.forms import (
    MAX_CONFIRMATION_CODE_LENGTH,
    MAX_PASSWORD_LENGTH,
    code_field,
    email_field,
    new_password_fields,
)


def _current_password(label="Current password"):
    return PasswordField(label, validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])


class ChangeEmailForm(FlaskForm):
    email = email_field("New email")
    current_password = _current_password()


class ConfirmEmailChangeForm(FlaskForm):
    code = code_field("Confirmation code", "confirmation code", MAX_CONFIRMATION_CODE_LENGTH)
    current_password = _current_password("Your account's password")


class ChangePasswordForm(FlaskForm):
    """`account_email` (set by the view) counts as guessable, as the email does at sign-up."""

    current_password = _current_password()
    password, confirm = new_password_fields()

    def __init__(self, account_email, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email
