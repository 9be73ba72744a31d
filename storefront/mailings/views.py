"""The public unsubscribe page. GET only shows what the link is for (mail scanners follow links); the POST confirms.
Mail clients' one-click button POSTs `List-Unsubscribe=One-Click` with no CSRF token (RFC 8058): the signed token
in the URL is what authorises it. A POST from the page itself must carry the page's CSRF token."""

from flask import abort, current_app, render_template, request

from storefront.extensions import csrf, db
from storefront.mailings import bp, preferences

ONE_CLICK = ("List-Unsubscribe", "One-Click")


def _recipient(token):
    found = preferences.read_token(token)
    if found is None:
        abort(404)
    return found


def _render(token, email, mailing, done):
    name = preferences.MAILINGS[mailing]
    return render_template("mailings/unsubscribe.html", token=token, email=email, mailing_name=name, done=done)


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token):
    email, mailing = _recipient(token)
    return _render(token, email, mailing, preferences.is_unsubscribed(email, mailing))


@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe(token):
    email, mailing = _recipient(token)
    if request.form.get(ONE_CLICK[0]) != ONE_CLICK[1] and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()
    preferences.unsubscribe(email, mailing)
    db.session.commit()
    return _render(token, email, mailing, True)
