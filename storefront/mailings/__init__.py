"""Consented mailings: emails a shopper may refuse (new versions of files they bought, a reminder about a cart they
left). One unsubscribe mechanism serves them all: a signed token per recipient and mailing, a public page with a
POST confirm (and RFC 8058 one-click), and a stored preference the mail job checks before every send."""

from flask import Blueprint

bp = Blueprint("mailings", __name__, url_prefix="/mail")

from storefront.mailings import views  # noqa: E402,F401  (routes register on import)
