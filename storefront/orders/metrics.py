"""Sales figures for the admin dashboard, and the counts of things that wait for a person.

What the money figures count, exactly (all integer minor units of one currency, the store's):
- collected: the amounts of CHARGE_SUCCEEDED payment events created in the period, i.e. money in on the day the
  provider confirmed it, whatever day the order was placed;
- refunded: REFUND_SUCCEEDED minus REFUND_REVERSED events created in the period (a refund counts on the day it went
  through, and a reversal gives the money back on its own day);
- revenue: collected minus refunded, so a day with more refunds than charges has negative revenue;
- orders: orders of the store's currency whose `paid_at` lies in the period;
- average order value: collected / orders, rounded to the nearest minor unit;
- refund rate: refunded / collected.
Payment events and orders in another currency are left out (summing dollars and euros means nothing); the report
names those currencies so the page can say so.

Periods are whole UTC days, half-open [start, end) in naive UTC like every stored timestamp. Every figure is a
GROUP BY in SQL: a report is three statements however many orders there are. Nothing here reads `request`.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Date, case, func, select

from storefront.extensions import db
from storefront.job_records import JobRecord, JobState
from storefront.mail.models import DeliveryStatus, EmailDelivery
from storefront.orders.models import Order, OrderItem, PaymentEvent, PaymentEventKind
from storefront.orders.status import OrderStatus
from storefront.payments import failures
from storefront.renders.models import RenderStatus, Rendition

# How each kind of payment event moves revenue; other kinds (a failed charge, a refund asked for) move no money.
REVENUE_SIGN = {
    PaymentEventKind.CHARGE_SUCCEEDED.value: 1,
    PaymentEventKind.REFUND_SUCCEEDED.value: -1,
    PaymentEventKind.REFUND_REVERSED.value: 1,
}
# Paid physical orders whose parcel has not gone out: the orders table's "unfulfilled" filter.
AWAITING_SHIPMENT = (OrderStatus.PAID.value, OrderStatus.PROCESSING.value)
TOP_PRODUCTS = 5


@dataclass(frozen=True)
class Period:
    """The UTC days from `first_day` to `last_day`, both included."""

    first_day: date
    last_day: date

    @classmethod
    def last_days(cls, count, today):
        """The `count` days that end with `today`."""
        return cls(today - timedelta(days=count - 1), today)

    @property
    def start(self):
        return datetime.combine(self.first_day, time.min)

    @property
    def end(self):
        return datetime.combine(self.last_day + timedelta(days=1), time.min)

    @property
    def length(self):
        return (self.last_day - self.first_day).days + 1

    def days(self):
        return [self.first_day + timedelta(days=n) for n in range(self.length)]

    def previous(self):
        """The period of the same length that ends the day before this one starts."""
        return Period(self.first_day - timedelta(days=self.length), self.first_day - timedelta(days=1))


@dataclass
class Figures:
    """One period's totals in minor units (see the module docstring for what each counts)."""

    collected: int = 0
    refunded: int = 0
    orders: int = 0

    @property
    def revenue(self):
        return self.collected - self.refunded

    @property
    def average_order_value(self):
        """Collected per paid order, rounded half up; None without orders."""
        return (self.collected + self.orders // 2) // self.orders if self.orders else None

    @property
    def refund_rate(self):
        """Refunded / collected as a fraction (0.25 is a quarter); None when nothing was collected."""
        return self.refunded / self.collected if self.collected else None

    def add(self, kind, cents):
        if kind == PaymentEventKind.CHARGE_SUCCEEDED.value:
            self.collected += cents
        else:
            self.refunded -= REVENUE_SIGN[kind] * cents


@dataclass(frozen=True)
class TopProduct:
    title: str
    product_id: int | None
    revenue: int
    units: int


@dataclass
class SalesReport:
    """A period's figures beside the previous period's, revenue per day of the period, and its best sellers."""

    period: Period
    currency: str
    current: Figures = field(default_factory=Figures)
    previous: Figures = field(default_factory=Figures)
    revenue_by_day: dict = field(default_factory=dict)
    top_products: list = field(default_factory=list)
    other_currencies: set = field(default_factory=set)

    def change(self, name):
        """How figure `name` moved against the previous period, in percent; None when the previous one was 0 or
        None (no base to compare against)."""
        now, before = getattr(self.current, name), getattr(self.previous, name)
        if not before or now is None:
            return None
        return (now - before) * 100 / abs(before)

    def points_change(self, name):
        """How fraction `name` (such as the refund rate) moved, in percentage points; None without both."""
        now, before = getattr(self.current, name), getattr(self.previous, name)
        return None if now is None or before is None else (now - before) * 100

    @property
    def daily_revenue(self):
        """(day, revenue) for every day of the period, days without payments included, oldest first."""
        return [(day, self.revenue_by_day.get(day, 0)) for day in self.period.days()]


@dataclass(frozen=True)
class ActionCounts:
    """Things waiting for a person: orders flagged, parcels to send, jobs, emails and renders that failed, and
    webhook deliveries refused over the last days (storefront.payments.failures.RECENT)."""

    attention: int
    unfulfilled: int
    failed_jobs: int
    failed_emails: int
    failed_renders: int
    failed_webhooks: int


def sales_report(period, currency, top=TOP_PRODUCTS):
    """The SalesReport of `period` in `currency`, compared with the period before it. Three statements."""
    report = SalesReport(period, currency)
    _add_money(report)
    _add_order_counts(report)
    report.top_products = _top_products(period, currency, top)
    return report


def money_statement(period):
    """Payment events summed per day, currency and kind over `period` and the one before, in one GROUP BY (a range
    of the index on payment_events (kind, created_at) per kind)."""
    day = func.date(PaymentEvent.created_at, type_=Date)
    return (
        select(day, PaymentEvent.currency, PaymentEvent.kind, func.sum(PaymentEvent.amount_cents))
        .where(*_within(PaymentEvent.created_at, period.previous().start, period.end))
        .where(PaymentEvent.kind.in_(list(REVENUE_SIGN)))
        .group_by(day, PaymentEvent.currency, PaymentEvent.kind)
    )


def _add_money(report):
    """Sum payment events per day, currency and kind over both periods, then fold them."""
    for on, currency, kind, cents in db.session.execute(money_statement(report.period)):
        if currency != report.currency:
            report.other_currencies.add(currency)
            continue
        _fold(report, on, kind, cents)


def _fold(report, on, kind, cents):
    if on < report.period.first_day:
        report.previous.add(kind, cents)
        return
    report.current.add(kind, cents)
    report.revenue_by_day[on] = report.revenue_by_day.get(on, 0) + REVENUE_SIGN[kind] * cents


def order_counts_statement(period, currency):
    """Orders in `currency` paid in `period`, and in it and the one before (a range of the index on orders.paid_at)."""
    in_current = case((Order.paid_at >= period.start, 1))
    return select(func.count(in_current), func.count(Order.id)).where(
        *_within(Order.paid_at, period.previous().start, period.end), Order.currency == currency
    )


def _add_order_counts(report):
    current, both = db.session.execute(order_counts_statement(report.period, report.currency)).one()
    report.current.orders, report.previous.orders = current, both - current


def _top_products(period, currency, top):
    """The `top` products by money taken for them (unit price × quantity of the lines of orders paid in the period),
    then by units. Lines keep their product when it is deleted only by slug, so those group by slug."""
    revenue = func.sum(OrderItem.unit_price_cents * OrderItem.quantity)
    units = func.sum(OrderItem.quantity)
    title = func.max(OrderItem.title)
    deleted_product_slug = case((OrderItem.product_id.is_(None), OrderItem.product_slug))
    statement = (
        select(title, OrderItem.product_id, revenue, units)
        .join(Order, Order.id == OrderItem.order_id)
        .where(*_within(Order.paid_at, period.start, period.end), Order.currency == currency)
        .group_by(OrderItem.product_id, deleted_product_slug)
        .order_by(revenue.desc(), units.desc(), title)
        .limit(top)
    )
    return [TopProduct(*row) for row in db.session.execute(statement)]


def _within(column, start, end):
    return column >= start, column < end


def action_counts():
    """Every ActionCounts figure in one statement (one scalar subquery each)."""
    counts = {
        "attention": _count(Order, Order.needs_attention.is_(True)),
        "unfulfilled": _count(Order, Order.requires_shipping.is_(True), Order.status.in_(AWAITING_SHIPMENT)),
        "failed_jobs": _count(JobRecord, JobRecord.state == JobState.FAILED.value),
        "failed_emails": _count(EmailDelivery, EmailDelivery.status == DeliveryStatus.FAILED.value),
        "failed_renders": _count(Rendition, Rendition.status == RenderStatus.FAILED.value),
        "failed_webhooks": failures.recent_refusals_count(),
    }
    statement = select(*(count.label(name) for name, count in counts.items()))
    return ActionCounts(**db.session.execute(statement).one()._mapping)


def _count(model, *conditions):
    return select(func.count()).select_from(model).where(*conditions).scalar_subquery()
