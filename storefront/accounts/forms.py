from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from storefront.accounts.passwords import weakness

MIN_PASSWORD_LENGTH = 10
# Argon2 hashes anything, but a cap keeps a megabyte "password" from costing us CPU.
MAX_PASSWORD_LENGTH = 256
# A reset code is 43 URL-safe characters and a confirmation code about 80; the caps only keep junk short.
MAX_RESET_CODE_LENGTH = 100
MAX_CONFIRMATION_CODE_LENGTH = 300


def hard_to_guess(form, field):
    """Refuse common and guessable passwords; the person's email and the shop's name count as guessable too."""
    # A form without an email field (changing the password) names the account's in `account_email`.
    email = form.email.data if "email" in form else getattr(form, "account_email", None)
    hints = [current_app.config["STORE_NAME"], email, (email or "").partition("@")[0]]
    problem = weakness(field.data or "", hints)
    if problem:
        raise ValidationError(problem)


def new_password_fields():
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=f"Use between {MIN_PASSWORD_LENGTH} and {MAX_PASSWORD_LENGTH} characters.",
            ),
            hard_to_guess,
        ],
        description=f"At least {MIN_PASSWORD_LENGTH} characters, hard to guess: a few uncommon words work well.",
    )
    confirm = PasswordField(
        "Repeat password", validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")]
    )
    return password, confirm


def email_field(label="Email"):
    return EmailField(
        label, validators=[DataRequired(), Email(message="Enter a valid email address."), Length(max=254)]
    )


class RegisterForm(FlaskForm):
    email = email_field()
    password, confirm = new_password_fields()
    accept_terms = BooleanField(
        "I accept the terms of service and privacy policy",
        validators=[DataRequired(message="You must accept the terms to create an account.")],
    )


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField("Remember me on this device")


class ResetRequestForm(FlaskForm):
    email = email_field()


def code_field(label, what, max_length):
    """A code from an email. It travels in the email link's #fragment (never sent to the server, so never in a
    log); a small script copies it here, and without JavaScript the person pastes it from the email."""
    return StringField(
        label,
        validators=[DataRequired(message=f"Enter the {what} from the email."), Length(max=max_length)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        description="From the email; filled in for you when you open the email's link.",
    )


class ResetPasswordForm(FlaskForm):
    code = code_field("Reset code", "reset code", MAX_RESET_CODE_LENGTH)
    password, confirm = new_password_fields()


class ConfirmEmailForm(FlaskForm):
    code = code_field("Confirmation code", "confirmation code", MAX_CONFIRMATION_CODE_LENGTH)
    password = PasswordField(
        "Password you chose at sign-up", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
