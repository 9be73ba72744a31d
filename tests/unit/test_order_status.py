"""The order pipeline is one table: every listed move is allowed, everything else raises InvalidOrderStatus."""

import pytest

from storefront.orders.status import (
    ALLOWED_TRANSITIONS,
    PAYMENT_SETTLED,
    UNSOLD,
    InvalidOrderStatus,
    OrderStatus,
    check_transition,
)

ALLOWED = [(current, new) for current, targets in ALLOWED_TRANSITIONS.items() for new in sorted(targets)]
FORBIDDEN = [
    (current, new) for current in OrderStatus for new in OrderStatus if new not in ALLOWED_TRANSITIONS[current]
]
# Moves a bug or a confused webhook might attempt; each must be refused by name.
SAMPLE_ILLEGAL = [
    (OrderStatus.PENDING, OrderStatus.REFUNDED),
    (OrderStatus.PENDING, OrderStatus.PARTIALLY_REFUNDED),
    (OrderStatus.PENDING, OrderStatus.FULFILLED),
    (OrderStatus.PENDING, OrderStatus.PENDING),
    (OrderStatus.PAID, OrderStatus.PENDING),
    (OrderStatus.PAID, OrderStatus.EXPIRED),
    (OrderStatus.PAID, OrderStatus.CANCELED),
    (OrderStatus.PAID, OrderStatus.FAILED),
    (OrderStatus.EXPIRED, OrderStatus.PENDING),
    (OrderStatus.CANCELED, OrderStatus.EXPIRED),
    (OrderStatus.FAILED, OrderStatus.REFUNDED),
    (OrderStatus.FULFILLED, OrderStatus.PAID),
    (OrderStatus.REFUNDED, OrderStatus.PAID),
    (OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED),
    (OrderStatus.PARTIALLY_REFUNDED, OrderStatus.PAID),
]


def test_every_status_has_a_row_in_the_table():
    assert set(ALLOWED_TRANSITIONS) == set(OrderStatus)


@pytest.mark.parametrize(("current", "new"), ALLOWED, ids=[f"{c}->{n}" for c, n in ALLOWED])
def test_a_move_listed_in_the_table_is_allowed(current, new):
    check_transition(current, new)


@pytest.mark.parametrize(("current", "new"), ALLOWED, ids=[f"{c}->{n}" for c, n in ALLOWED])
def test_a_listed_move_is_allowed_when_given_as_plain_strings(current, new):
    check_transition(current.value, new.value)


@pytest.mark.parametrize(("current", "new"), SAMPLE_ILLEGAL, ids=[f"{c}->{n}" for c, n in SAMPLE_ILLEGAL])
def test_an_illegal_move_raises_invalid_order_status(current, new):
    with pytest.raises(InvalidOrderStatus, match=f"from {current} to {new}"):
        check_transition(current, new)


def test_every_move_missing_from_the_table_raises():
    refused = []
    for current, new in FORBIDDEN:
        with pytest.raises(InvalidOrderStatus):
            check_transition(current, new)
        refused.append((current, new))
    assert len(refused) == len(OrderStatus) ** 2 - len(ALLOWED)


def test_sample_of_illegal_moves_is_really_absent_from_the_table():
    assert not set(SAMPLE_ILLEGAL) & set(ALLOWED)


def test_an_unknown_status_is_refused_as_a_value_error():
    with pytest.raises(ValueError):
        check_transition(OrderStatus.PENDING, "shipped")


def test_a_fully_refunded_order_is_final():
    assert ALLOWED_TRANSITIONS[OrderStatus.REFUNDED] == set()


@pytest.mark.parametrize("status", sorted(UNSOLD))
def test_money_arriving_late_revives_an_order_we_gave_up_on(status):
    check_transition(status, OrderStatus.PAID)


def test_only_a_pending_order_is_still_waiting_for_payment():
    assert set(OrderStatus) - PAYMENT_SETTLED == {OrderStatus.PENDING}
