from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from storefront.integers import parse_int
from storefront.reviews.services import MAX_BODY, MAX_REASON, MIN_BODY, ReviewInput, clean_body

STARS = [SelectChoice(n, f"{n} star{'' if n == 1 else 's'}") for n in (5, 4, 3, 2, 1)]


def _stars(value):
    return value if isinstance(value, int) else parse_int(str(value or ""), 1, 5)


class StarsField(RadioField):
    """1 to 5 stars; anything else (missing, 0, 6, "five") is one clear message."""

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in STARS}:
            raise ValidationError("Choose from 1 to 5 stars.")


class ReviewForm(FlaskForm):
    rating = StarsField("Your rating", choices=STARS, coerce=_stars)
    body = TextAreaField(
        "Your review",
        filters=[clean_body],
        description=f"Plain text, {MIN_BODY} to {MAX_BODY} characters. Shown once we have checked it.",
        validators=[
            DataRequired("Write a few words about the product."),
            Length(min=MIN_BODY, max=MAX_BODY, message=f"Write between {MIN_BODY} and {MAX_BODY} characters."),
        ],
    )

    def review_input(self):
        return ReviewInput(rating=self.rating.data, body=self.body.data)


class RejectForm(FlaskForm):
    reason = TextAreaField(
        "Reason (the author sees it)",
        filters=[clean_body],
        validators=[
            DataRequired("Give the author a reason."),
            Length(max=MAX_REASON, message=f"At most {MAX_REASON} characters."),
        ],
    )
