"""Admin: the dashboard. Sales figures for a period against the period before it, revenue per day as a small SVG
chart, best sellers, and counts of what waits for a person, each linking to where it is dealt with.

Choosing a period swaps only the metrics panel (`_partials/dashboard_metrics.html`, which the page includes) and
pushes the URL, so a period can be bookmarked and reloads as the full page."""

from dataclasses import dataclass
from datetime import date

from flask import current_app, request
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import AnyOf, Optional

from storefront.admin import bp
from storefront.clock import utcnow
from storefront.htmx import render_page_or_fragment
from storefront.orders import metrics

PAGE = "admin/dashboard.html"
METRICS = "admin/_partials/dashboard_metrics.html"
# The periods offered as links, by their `period` parameter: (label, days ending today).
PRESETS = {"today": ("Today", 1), "7d": ("7 days", 7), "30d": ("30 days", 30), "90d": ("90 days", 90)}
CUSTOM = "custom"
DEFAULT_PERIOD = "30d"
# A custom period is at most a year (the chart draws a bar per day) within days this app can have data for.
LONGEST_CUSTOM = 366
FIRST_ALLOWED, LAST_ALLOWED = date(2000, 1, 1), date(2099, 12, 31)
DAY_FORMAT = "Write days as YYYY-MM-DD, such as 2026-12-02."
# The chart's drawing box, in SVG user units: one slot per day, bars filling most of their slot.
CHART_HEIGHT, SLOT_WIDTH, BAR_WIDTH = 100, 10, 8


PERIOD_CHOICE = "Choose a period: " + ", ".join([*PRESETS, CUSTOM]) + "."


class PeriodForm(FlaskForm):
    """`period` is a preset (today, 7d, 30d, 90d) or `custom` with the UTC days `from` and `to`, both included.
    A GET form: no CSRF. Only a custom period uses the days (badly written ones are refused all the same)."""

    class Meta:
        csrf = False

    period = StringField(
        "Period", default=DEFAULT_PERIOD, validators=[AnyOf([*PRESETS, CUSTOM], message=PERIOD_CHOICE)]
    )
    day_from = DateField("From", name="from", validators=[Optional()], invalid_value_message=DAY_FORMAT)
    day_to = DateField("To", name="to", validators=[Optional()], invalid_value_message=DAY_FORMAT)

    def validate(self, extra_validators=None):
        """The fields' own checks, then a custom period's days: both given, in range, in order, not too many."""
        if not super().validate(extra_validators) or self.period.data != CUSTOM:
            return not self.errors
        problem = _custom_days_problem(self.day_from.data, self.day_to.data)
        if problem is not None:
            name, message = problem
            self[name].errors.append(message)
        return problem is None

    def chosen_period(self, today):
        """The validated choice as a metrics.Period ending `today` for a preset."""
        if self.period.data == CUSTOM:
            return metrics.Period(self.day_from.data, self.day_to.data)
        return metrics.Period.last_days(PRESETS[self.period.data][1], today)


def _custom_days_problem(first, last):
    """(field name, message) for what is wrong with a custom period from `first` to `last`; None if nothing."""
    for name, day in (("day_from", first), ("day_to", last)):
        if day is None:
            return name, "Choose the first and the last day of a custom period."
        if not FIRST_ALLOWED <= day <= LAST_ALLOWED:
            return name, f"Choose a day from {FIRST_ALLOWED} to {LAST_ALLOWED}."
    if last < first:
        return "day_to", "The last day must not be before the first."
    if (last - first).days >= LONGEST_CUSTOM:
        return "day_to", f"Choose at most {LONGEST_CUSTOM} days."
    return None


@dataclass(frozen=True)
class Bar:
    """One day's bar in SVG user units; `value` is the day's revenue in minor units."""

    day: date
    value: int
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class Chart:
    """The revenue chart's geometry: a bar per day and the y of the zero line, in a `width` × CHART_HEIGHT box."""

    bars: list
    zero: float

    @property
    def width(self):
        return len(self.bars) * SLOT_WIDTH

    height = CHART_HEIGHT
    bar_width = BAR_WIDTH


@bp.get("/")
def dashboard():
    """The dashboard for the period the query string chooses (30 days by default); 400 naming a bad choice."""
    form = PeriodForm(request.args)
    if not form.validate():
        return render_page_or_fragment(PAGE, METRICS, status=400, **_page_context(form))
    currency = current_app.config["STORE_CURRENCY"]
    report = metrics.sales_report(form.chosen_period(utcnow().date()), currency)
    return render_page_or_fragment(
        PAGE, METRICS, report=report, chart=revenue_chart(report.daily_revenue), **_page_context(form)
    )


def _page_context(form):
    """What the page shows besides the figures. The action counts are one statement, asked for htmx swaps too: an
    htmx history restore gets the full page."""
    return {"form": form, "presets": PRESETS, "actions": metrics.action_counts()}


def revenue_chart(daily):
    """A Chart of `daily` (day, value) pairs, scaled so the bars span the height from the highest day to the lowest;
    bars of days with negative revenue (more refunded than collected) hang below the zero line."""
    values = [value for _day, value in daily]
    top, bottom = max([0, *values]), min([0, *values])
    scale = CHART_HEIGHT / ((top - bottom) or 1)
    zero = top * scale
    return Chart([_bar(n, day, value, scale, zero) for n, (day, value) in enumerate(daily)], round(zero, 2))


def _bar(n, day, value, scale, zero):
    height = round(abs(value) * scale, 2)
    y = zero - height if value > 0 else zero
    return Bar(day, value, n * SLOT_WIDTH + (SLOT_WIDTH - BAR_WIDTH) / 2, round(y, 2), height)
