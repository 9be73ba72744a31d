"""A shopper changes their email: the current password is asked, a link goes to the new address and the old one is
told; the email changes only when the link is opened (once), and the new address's guest orders then join. An
address that already has an account gets the same answer in the browser; only its owner is told, by email."""

import re

from sqlalchemy import select

from storefront.accounts.models import User
from storefront.extensions import db
from storefront.mail.models import EmailDelivery
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.account.support import (
    ACCOUNT,
    CHANGE_EMAIL,
    CONFIRM_EMAIL_CHANGE,
    code_from,
    guest_order,
    logged_in,
    only_email_to,
    owner_of,
    page_text,
)
from tests.functional.checkout.support import digital, emails_to

NEW_EMAIL = "ada.lovelace@example.org"


def ask_to_change(shopper, email=NEW_EMAIL, password=DEFAULT_PASSWORD):
    return shopper.client.post(CHANGE_EMAIL, data={"email": email, "current_password": password})


def confirm_change(client, code, password=DEFAULT_PASSWORD):
    return client.post(CONFIRM_EMAIL_CHANGE, data={"code": code, "current_password": password})


def email_of(user):
    db.session.expire_all()
    return db.session.get(User, user.id).email


def test_the_new_email_is_confirmed_from_the_link_sent_to_it_and_the_old_address_is_told(app, ada):
    user, shopper = ada

    response = ask_to_change(shopper)

    assert response.status_code == 303 and response.headers["Location"] == ACCOUNT
    overview = page_text(shopper.client.get(ACCOUNT))
    assert "Your new email is not confirmed yet." in overview and NEW_EMAIL in overview
    assert email_of(user) == "ada@example.com", "nothing changes before the link is opened"
    told = only_email_to("ada@example.com", "A change of your email was asked for")
    assert NEW_EMAIL in told.text_body and "/account/reset" in told.text_body
    code = code_from(app, only_email_to(NEW_EMAIL, "Confirm your new email"), CONFIRM_EMAIL_CHANGE)

    confirmed = confirm_change(shopper.client, code)

    assert confirmed.status_code == 303 and confirmed.headers["Location"] == ACCOUNT
    assert email_of(user) == NEW_EMAIL
    overview = page_text(shopper.client.get(ACCOUNT))
    assert f"Your email is now {NEW_EMAIL}." in overview and "not confirmed yet" not in overview


def test_the_link_works_once_and_from_any_browser_with_the_password(app, ada):
    user, shopper = ada
    ask_to_change(shopper)
    code = code_from(app, only_email_to(NEW_EMAIL, "Confirm your new email"), CONFIRM_EMAIL_CHANGE)
    elsewhere = app.test_client()

    wrong = confirm_change(elsewhere, code, password="not my password at all")
    first = confirm_change(elsewhere, code)
    again = confirm_change(elsewhere, code)

    assert wrong.status_code == 422 and "This is not your current password." in page_text(wrong)
    assert first.status_code == 303 and first.headers["Location"] == "/account/login"
    assert again.status_code == 422 and "already used" in page_text(again)
    assert email_of(user) == NEW_EMAIL
    assert logged_in(app, db.session.get(User, user.id)) is not None  # logs in with the new email


def test_after_the_change_the_guest_orders_of_the_new_email_join_the_account(app, ada):
    user, shopper = ada
    earlier = guest_order(app, digital(title="Harbour Birds"), email=NEW_EMAIL)
    ask_to_change(shopper)
    assert owner_of(earlier) is None
    [link_email] = [m for m in emails_to(NEW_EMAIL) if "Confirm your new email" in m.subject]

    confirm_change(shopper.client, code_from(app, link_email, CONFIRM_EMAIL_CHANGE))

    assert owner_of(earlier) == user.id
    assert earlier.number in page_text(shopper.client.get("/account/orders"))


def test_a_wrong_current_password_is_refused_and_nothing_is_sent(ada):
    user, shopper = ada

    response = ask_to_change(shopper, password="not my password at all")

    assert response.status_code == 422
    assert "This is not your current password." in page_text(response)
    assert db.session.scalar(select(EmailDelivery.id)) is None
    assert db.session.get(User, user.id).pending_email is None


def without_tokens_and_addresses(page, *addresses):
    """The account page as any account would see it: CSRF tokens, sign-up times and the addresses taken out."""
    page = re.sub(r'name="csrf_token" value="[^"]*"|name="csrf-token" content="[^"]*"|<time[^<]*</time>', "", page)
    for address in addresses:
        page = page.replace(address, "ADDRESS")
    return page


def test_an_address_with_an_account_gets_the_same_answer_and_its_owner_is_told(app, ada, bob):
    free = ask_to_change(ada[1], email="free@example.com")
    taken = ask_to_change(bob[1], email="ada@example.com")

    assert (taken.status_code, taken.headers["Location"]) == (free.status_code, free.headers["Location"])
    ada_sees = without_tokens_and_addresses(
        page_text(ada[1].client.get(ACCOUNT)), "free@example.com", "ada@example.com"
    )
    bob_sees = without_tokens_and_addresses(page_text(bob[1].client.get(ACCOUNT)), "ada@example.com", "bob@example.com")
    assert "Your new email is not confirmed yet." in bob_sees
    assert ada_sees == bob_sees
    note = only_email_to("ada@example.com", "Someone tried to move an account to your email")
    assert "nothing was changed" in note.text_body
    assert not [m for m in emails_to("ada@example.com") if "Confirm your new email" in m.subject]
    assert email_of(bob[0]) == "bob@example.com"


def test_a_new_request_or_a_cancel_makes_the_earlier_link_useless(app, ada):
    user, shopper = ada
    ask_to_change(shopper)
    code = code_from(app, only_email_to(NEW_EMAIL, "Confirm your new email"), CONFIRM_EMAIL_CHANGE)

    shopper.client.post("/account/email/cancel")

    assert confirm_change(shopper.client, code).status_code == 422
    assert email_of(user) == "ada@example.com"
    assert "not confirmed yet" not in page_text(shopper.client.get(ACCOUNT))


def test_the_same_email_is_refused_with_a_reason(ada):
    response = ask_to_change(ada[1], email="ADA@example.com")

    assert response.status_code == 422
    assert "This is already your email." in page_text(response)


def test_someone_else_cannot_take_the_new_address_with_the_link(app, ada):
    """The link alone is not enough: the account's password is asked too."""
    user, shopper = ada
    ask_to_change(shopper)
    code = code_from(app, only_email_to(NEW_EMAIL, "Confirm your new email"), CONFIRM_EMAIL_CHANGE)
    make_user("mallory@example.com", password="mallory's own long secret")

    response = confirm_change(app.test_client(), code, password="mallory's own long secret")

    assert response.status_code == 422
    assert email_of(user) == "ada@example.com"


def test_the_confirmation_job_carries_ids_only(app, ada, rq_queue, run_worker):
    """The worker logs each job's description and keeps its arguments: they must hold no link and no code."""
    ask_to_change(ada[1])
    queued = [rq_queue.fetch_job(job_id) for job_id in rq_queue.job_ids]

    run_worker()

    code = code_from(app, only_email_to(NEW_EMAIL, "Confirm your new email"), CONFIRM_EMAIL_CHANGE)
    assert len(queued) == 2
    for job in queued:
        assert all(isinstance(arg, int) for arg in job.args) and not job.kwargs
        assert code not in job.description and CONFIRM_EMAIL_CHANGE not in job.description


def test_a_password_reset_cancels_a_pending_change(app, ada):
    """The old address is told to reset the password if the change was not theirs: that stops it."""
    user, shopper = ada
    ask_to_change(shopper)
    code = code_from(app, only_email_to(NEW_EMAIL, "Confirm your new email"), CONFIRM_EMAIL_CHANGE)
    owner = app.test_client()
    owner.post("/account/reset", data={"email": "ada@example.com"})
    reset = code_from(app, only_email_to("ada@example.com", "Reset your password"), "/account/reset/new")
    new_password = "plover estuary lantern"
    owner.post("/account/reset/new", data={"code": reset, "password": new_password, "confirm": new_password})

    assert confirm_change(owner, code, password=new_password).status_code == 422
    assert email_of(user) == "ada@example.com"
