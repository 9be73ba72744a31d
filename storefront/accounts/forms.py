from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length

MIN_PASSWORD_LENGTH = 10
# Argon2 hashes anything, but a cap keeps a megabyte "password" from costing us CPU.
MAX_PASSWORD_LENGTH = 256


def _new_password_fields():
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=f"Use between {MIN_PASSWORD_LENGTH} and {MAX_PASSWORD_LENGTH} characters.",
            ),
        ],
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
    )
    confirm = PasswordField(
        "Repeat password", validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")]
    )
    return password, confirm


def _email_field():
    return EmailField(
        "Email", validators=[DataRequired(), Email(message="Enter a valid email address."), Length(max=254)]
    )


class RegisterForm(FlaskForm):
    email = _email_field()
    password, confirm = _new_password_fields()
    accept_terms = BooleanField(
        "I accept the terms of sale and privacy notice",
        validators=[DataRequired(message="You must accept the terms to create an account.")],
    )


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField("Remember me on this device")


class ResetRequestForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password, confirm = _new_password_fields()
