"""Two web servers and two workers sharing only Postgres, Redis and S3: a shopper may land on either server for any
request, a webhook on either, and the jobs and periodic work run once however many processes there are.

(Module order matters only for the last test, which needs the processes to have run over a minute.)"""

import re
import threading
import time
import uuid
from itertools import pairwise
from urllib.parse import urlsplit

import requests
from rq.job import Job
from sqlalchemy import select

from storefront import jobs
from storefront.extensions import db
from storefront.job_records import JobRecord, JobState
from storefront.mail.models import EmailDelivery
from storefront.orders.models import Order, PaymentEventKind
from storefront.orders.status import OrderStatus
from storefront.periodic import PERIODIC_JOBS
from storefront.renders.models import Rendition
from tests import stripe_fake
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.downloads.support import GUIDE_PDF, ebook, entitlements_of
from tests.functional.payments.support import payment_events, reload
from tests.functional.renders.support import STAR_MAP_FIELD, personalised_star_map
from tests.functional.scaleout.support import Browser, alternate, wait_until

WEBHOOK = "/payments/stripe/webhook"
DOWNLOAD_LINK = re.compile(r'href="(/downloads/[^"/?]+)"')
HELD_JOB = "tests.functional.mail.support.held_job"


def check_out(browser, via, email):
    """Check the cart out on server `via`; returns the pending order the Stripe fake was handed."""
    response = browser.post(via, "/checkout/", {"source": "cart", "email": email})
    assert response.status_code == 303, response.text
    session_id = urlsplit(response.headers["Location"]).path.rsplit("/", 1)[1]
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.gateway_session_id == session_id))


def paid_event(shop, order):
    """The shopper pays on Stripe's page; Stripe's signed `checkout.session.completed` for it."""
    shop.stripe.complete_session(order.gateway_session_id)
    event = stripe_fake.event("checkout.session.completed", stripe_fake.checkout_session(order))
    return stripe_fake.signed(event)


def deliver(shop, via, body, headers):
    return requests.post(shop.servers[via] + WEBHOOK, data=body, headers=headers, timeout=30)


def settled(browser, via, number, links):
    """The order's status fragment on `via` once it shows the payment and `links` download links."""
    page = browser.get(via, f"/checkout/status/{number}", headers={"HX-Request": "true"}).text
    return page if "Payment received" in page and len(DOWNLOAD_LINK.findall(page)) == links else None


def download(browser, via, link):
    """Follow a download link on `via`: the shop redirects to the file on S3; returns (redirect target, bytes)."""
    response = browser.get(via, link)
    assert response.status_code in (302, 303), response.text
    target = response.headers["Location"]
    stored = requests.get(target, timeout=30)
    assert stored.status_code == 200
    return target, stored.content


def records():
    db.session.expire_all()
    return db.session.scalars(select(JobRecord).order_by(JobRecord.id)).all()


def all_jobs_done():
    found = records()
    return found if found and all(record.state == JobState.DONE for record in found) else None


def assert_each_ran_once(shop, mark):
    """Every job the test recorded is done after one attempt, and the two workers' logs show it finished once."""
    done = wait_until(all_jobs_done, seconds=60)
    assert done and all(record.attempts == 1 for record in done), shop.all_logs()
    keys = sorted(record.job_key for record in done)
    assert wait_until(lambda: set(keys) <= set(shop.finished_since(mark))), shop.all_logs()
    assert sorted(key for key in shop.finished_since(mark) if key in keys) == keys
    return done


def test_a_shopper_switching_servers_on_every_request_keeps_cart_login_and_files(s3_app, shop, s3):
    user = make_user()
    book, poster = ebook(), personalised_star_map()
    browser, mark = Browser(shop.servers), shop.mark()

    assert book.title in browser.get("A", "/").text
    assert browser.get("B", f"/products/{book.slug}").status_code == 200
    assert browser.post("A", "/cart/add", {"product_id": book.id, "quantity": 1}).status_code == 303
    personalised = {"product_id": poster.id, "quantity": 1, f"personalisation[{STAR_MAP_FIELD}]": "Ada Lovelace"}
    assert browser.post("B", "/cart/add", personalised).status_code == 303
    cart = browser.get("A", "/cart/").text
    assert book.title in cart and poster.title in cart and "Ada Lovelace" in cart

    browser.get("B", "/account/login")
    login = browser.post("B", "/account/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert login.status_code in (302, 303), login.text
    assert user.email in browser.get("A", "/account/").text
    assert book.title in browser.get("B", "/cart/").text

    order = check_out(browser, "A", user.email)
    assert deliver(shop, "A", *paid_event(shop, order)).json() == {"received": True, "duplicate": False}

    page = wait_until(lambda: settled(browser, "B", order.number, links=2), seconds=60)
    assert page, shop.all_logs()
    assert reload(order).status == OrderStatus.PAID
    book_link, poster_link = DOWNLOAD_LINK.findall(page)
    target, data = download(browser, "A", book_link)
    assert urlsplit(target).netloc == urlsplit(shop.storage["S3_ENDPOINT_URL"]).netloc
    assert data == GUIDE_PDF
    rendition = db.session.scalar(select(Rendition).where(Rendition.order_item_id.in_([i.id for i in order.items])))
    assert rendition.status == "done"
    s3.head_object(Bucket=shop.storage["S3_BUCKET"], Key=f"private/{rendition.storage_key}")
    _, pdf = download(browser, "B", poster_link)
    assert (
        pdf.startswith(b"%PDF-")
        and pdf
        == s3.get_object(Bucket=shop.storage["S3_BUCKET"], Key=f"private/{rendition.storage_key}")["Body"].read()
    )
    assert_each_ran_once(shop, mark)


def test_one_webhook_delivered_to_both_servers_at_once_pays_once(s3_app, shop):
    product = ebook()
    browser, mark = Browser(shop.servers), shop.mark()
    browser.get("A", f"/products/{product.slug}")
    assert browser.post("A", "/cart/add", {"product_id": product.id, "quantity": 1}).status_code == 303
    email = f"replay-{uuid.uuid4().hex[:8]}@example.com"
    order = check_out(browser, "B", email)
    body, headers = paid_event(shop, order)

    first = [deliver(shop, "A", body, headers), deliver(shop, "B", body, headers)]
    together = deliver_at_once(shop, body, headers, times=10)

    answers = [response.json()["duplicate"] for response in first + together]
    assert [response.status_code for response in first + together] == [200] * 12
    assert answers == [False] + [True] * 11
    assert_each_ran_once(shop, mark)
    order = reload(order)
    assert order.status == OrderStatus.PAID
    assert len(payment_events(order, PaymentEventKind.CHARGE_SUCCEEDED)) == 1
    assert len(entitlements_of(order)) == 1
    assert wait_until(lambda: len([m for m in shop.inbox.messages if email in m.rcpt_tos]) >= 2), shop.all_logs()
    time.sleep(1)  # a second copy, if there were one, would have been sent by now
    subjects = sorted(m.subject for m in shop.inbox.messages if email in m.rcpt_tos)
    assert subjects == [f"Your downloads for order {order.number} are ready", f"Your order {order.number}"]
    assert len(db.session.scalars(select(EmailDelivery).where(EmailDelivery.to_address == email)).all()) == 2


def deliver_at_once(shop, body, headers, times):
    """POST the same signed event `times` times at once, alternately to A and B."""
    start, responses = threading.Barrier(times), []
    servers = alternate(shop.servers)

    def post(via):
        start.wait()
        responses.append(deliver(shop, via, body, headers))

    threads = [threading.Thread(target=post, args=(next(servers),)) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def test_the_order_lookup_limit_counts_requests_on_both_servers_together(app, shop):
    browser = Browser(shop.servers)
    browser.get("A", "/orders/lookup")
    # A client address of its own (the servers trust one proxy hop), so no earlier run's count is in the way.
    address = {"X-Forwarded-For": f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"}
    wrong = {"number": "SF-NOPE", "email": "nobody@example.com"}
    servers = alternate(shop.servers)

    statuses = [browser.post(next(servers), "/orders/lookup", wrong, headers=address).status_code for _ in range(12)]

    assert statuses == [422] * 10 + [429] * 2  # "10 per minute" for the client, wherever its requests land


def test_both_workers_take_jobs_and_none_runs_twice(app, shop, redis_url, tmp_path):
    app.config.update(REDIS_URL=redis_url, JOB_QUEUE=shop.queue.name)
    mark = shop.mark()
    held = [tmp_path / f"held-{number}" for number in (1, 2)]
    for markers in held:
        markers.mkdir()
        jobs.enqueue_after_commit(HELD_JOB, str(markers), job_id=f"scaleout-{markers.name}-{uuid.uuid4().hex[:6]}")
    jobs.commit()

    # Each job holds its worker until released, so both running at once means both workers took one.
    assert wait_until(lambda: all((markers / "started-1").exists() for markers in held)), shop.all_logs()
    for markers in held:
        (markers / "release").write_text("go")
    assert wait_until(lambda: all((markers / "finished").exists() for markers in held)), shop.all_logs()

    assert [sorted(path.name for path in markers.glob("started-*")) for markers in held] == [["started-1"]] * 2
    done = assert_each_ran_once(shop, mark)
    assert len(done) == 2
    workers = {Job.fetch(record.job_key, connection=shop.queue.connection).worker_name for record in done}
    assert len(workers) == 2


def test_each_periodic_job_is_enqueued_once_per_period_by_two_cron_schedulers(app, shop):
    """Both workers run a cron scheduler (every worker dyno has the same settings); between them each periodic job
    still runs once per interval. Needs the processes up for over a minute, for the minutely jobs' second run."""
    minute = [job for job, interval in PERIODIC_JOBS if interval == 60]
    assert wait_until(lambda: all(len(runs_of(shop, job)) >= 2 for job in minute), seconds=90), shop.all_logs()

    for job, interval in PERIODIC_JOBS:
        runs = runs_of(shop, job)
        window = time.time() - runs[0]
        assert len(runs) == 1 + int(window // interval), (job.__name__, runs)
        gaps = [later - earlier for earlier, later in pairwise(runs)]
        assert all(interval - 1 < gap < interval + 15 for gap in gaps), (job.__name__, gaps)
    assert all("CronScheduler" in shop.log(f"worker-{number}") for number in (1, 2))
    assert shop.queue.failed_job_registry.count == 0


def runs_of(shop, job):
    """When the periodic `job` was enqueued on the shop's queue (POSIX seconds), from the jobs RQ finished."""
    registry = shop.queue.finished_job_registry
    finished = Job.fetch_many(registry.get_job_ids(), connection=shop.queue.connection)
    name = f"{job.__module__}.{job.__name__}"
    return sorted(found.enqueued_at.timestamp() for found in finished if found and found.func_name == name)
