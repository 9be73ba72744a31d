"""Carts left alone for CART_ABANDON_AFTER_HOURS are marked abandoned: by the service, the CLI and the RQ worker."""

from datetime import timedelta

from redis import Redis
from rq.cron import CronScheduler

from storefront.cart.models import CartStatus
from storefront.cart.services import expire_abandoned_carts
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.jobs import QUEUE_NAMES
from tests.factories import make_product, make_user
from tests.functional.cart.helpers import active_carts, all_carts, cart_for, header_count, text

HOUR = timedelta(hours=1)


def guest_cart_touched(shopper, ago):
    """A guest cart (made through the add button) last changed `ago` before now."""
    shopper.add(make_product(title="Sunrise Poster"))
    (cart,) = active_carts()
    cart.touched_at = utcnow() - ago
    db.session.commit()
    return cart


def status_of(cart):
    db.session.refresh(cart)
    return cart.status


def test_a_cart_untouched_past_the_limit_is_abandoned_and_a_recent_one_is_not(app, shopper):
    old = guest_cart_touched(shopper, 49 * HOUR)
    recent = cart_for(make_user(), (make_product(), 1))
    recent.touched_at = utcnow() - 47 * HOUR
    db.session.commit()

    assert expire_abandoned_carts(now=utcnow()) == 1
    db.session.commit()

    assert (status_of(old), status_of(recent)) == (CartStatus.ABANDONED, CartStatus.ACTIVE)


def test_expiry_counts_hours_from_the_time_it_is_given(app, shopper):
    cart = guest_cart_touched(shopper, timedelta(0))

    assert expire_abandoned_carts(now=utcnow() + 47 * HOUR) == 0
    assert expire_abandoned_carts(now=utcnow() + 49 * HOUR) == 1
    db.session.commit()

    assert status_of(cart) == CartStatus.ABANDONED


def test_the_limit_comes_from_configuration(app, shopper):
    app.config["CART_ABANDON_AFTER_HOURS"] = 2
    cart = guest_cart_touched(shopper, 3 * HOUR)

    expire_abandoned_carts()
    db.session.commit()

    assert status_of(cart) == CartStatus.ABANDONED


def test_expiring_twice_changes_nothing_more(app, shopper):
    guest_cart_touched(shopper, 49 * HOUR)

    assert expire_abandoned_carts() == 1
    assert expire_abandoned_carts() == 0


def test_changing_the_cart_keeps_it_alive(app, shopper):
    cart = guest_cart_touched(shopper, 47 * HOUR)
    shopper.add(make_product(title="Harbour Mug"))

    expire_abandoned_carts(now=utcnow() + 2 * HOUR)
    db.session.commit()

    assert status_of(cart) == CartStatus.ACTIVE


def test_guest_with_an_abandoned_cart_starts_afresh(client, shopper):
    abandoned = guest_cart_touched(shopper, 49 * HOUR)
    expire_abandoned_carts()
    db.session.commit()

    page = client.get("/cart/")
    assert "Your cart is empty." in text(page) and header_count(page) == 0
    shopper.add(make_product(title="Harbour Mug"))

    (fresh,) = active_carts()
    assert fresh.id != abandoned.id and [item.product.title for item in fresh.items] == ["Harbour Mug"]


def test_account_with_an_abandoned_cart_no_longer_sees_it(client, auth):
    user = make_user()
    cart = cart_for(user, (make_product(title="Sunrise Poster"), 1))
    cart.touched_at = utcnow() - 49 * HOUR
    db.session.commit()
    expire_abandoned_carts()
    db.session.commit()

    auth.login(user.email)

    assert header_count(client.get("/cart/")) == 0


def test_operator_expires_carts_from_the_command_line(app, shopper):
    cart = guest_cart_touched(shopper, 49 * HOUR)

    result = app.test_cli_runner().invoke(args=["carts", "expire"])

    assert result.exit_code == 0, result.output
    assert "1 cart(s) marked abandoned." in result.output
    assert status_of(cart) == CartStatus.ABANDONED


# The worker


def test_the_worker_expires_carts_from_a_real_queue(app, shopper, rq_queue, run_worker):
    cart = guest_cart_touched(shopper, 49 * HOUR)
    job = rq_queue.enqueue("storefront.cart.tasks.expire_abandoned_carts_job")

    run_worker()

    job.refresh()
    assert job.get_status() == "finished", job.latest_result().exc_string if job.latest_result() else None
    assert job.return_value() == 1
    assert status_of(cart) == CartStatus.ABANDONED


def test_the_cron_configuration_schedules_cart_expiry_every_15_minutes(redis_url):
    scheduler = CronScheduler(connection=Redis.from_url(redis_url))

    scheduler.load_config_from_file("storefront.cron")

    jobs = {job.func_name: job for job in scheduler.get_jobs()}
    expiry = jobs["storefront.cart.tasks.expire_abandoned_carts_job"]
    assert expiry.interval == 15 * 60
    assert expiry.queue_name in QUEUE_NAMES, "the worker must listen on the queue the job goes to"


def test_expiry_marks_the_cart_and_keeps_its_row(app, shopper):
    guest_cart_touched(shopper, 49 * HOUR)
    expire_abandoned_carts()
    db.session.commit()

    assert active_carts() == [] and len(all_carts()) == 1
