"""Admin: the order panel's inline actions. Each is a POST (htmx, or a plain form without JavaScript) that calls one
service and answers with the panel re-rendered in place; a refusal or an invalid form is a 422 with the panel and
its message. Without htmx, success redirects (303) to the order's page."""

from flask import abort, redirect, request, url_for
from flask_login import current_user

from storefront import jobs
from storefront.admin import bp
from storefront.admin.orders.detail import order_or_404, render_panel
from storefront.admin.orders.forms import ExtendForm, NoteForm, ResolveForm, ShipForm
from storefront.downloads.models import DownloadEntitlement
from storefront.extensions import db
from storefront.fulfilment import services as fulfilment
from storefront.htmx import is_htmx
from storefront.orders import back_office
from storefront.renders.models import Rendition

INVALID = 422
REFUSALS = (back_office.ActionRefused, fulfilment.ShippingError)
# CSRFProtect checks every POST (htmx sends the token as a header), so bare buttons need no form of their own.


def _actor():
    return current_user._get_current_object()


def _done(number):
    jobs.commit()
    if is_htmx():
        return render_panel(order_or_404(number))
    return redirect(url_for("admin.order_detail", number=number), code=303)


def _invalid(number, forms=None, error=None):
    return render_panel(order_or_404(number), INVALID, forms=forms, error=error)


def _run(number, action, forms=None):
    """Run `action()` (a service call) and answer: the panel, or a 422 with the refusal and nothing changed."""
    try:
        action()
    except REFUSALS as refused:
        jobs.rollback()
        return _invalid(number, forms, str(refused))
    return _done(number)


def _form_errors(form):
    return " ".join(error for errors in form.errors.values() for error in errors)


def _of_order(order, model, row_id):
    """The entitlement or rendition `row_id`, only when it belongs to one of this order's items (404 otherwise)."""
    row = db.get_or_404(model, row_id)
    if row.order_item.order_id != order.id:
        abort(404)
    return row


@bp.post("/orders/<number>/notes")
def add_order_note(number):
    order = order_or_404(number)
    form = NoteForm()
    if not form.validate():
        return _invalid(number, {"note": form})
    return _run(number, lambda: back_office.add_note(order, form.body.data, _actor()), {"note": form})


@bp.post("/orders/<number>/resend-receipt")
def resend_receipt(number):
    order = order_or_404(number)
    return _run(number, lambda: back_office.resend_receipt(order, _actor()))


@bp.post("/orders/<number>/resolve-attention")
def resolve_attention(number):
    order = order_or_404(number)
    form = ResolveForm()
    if not form.validate():
        return _invalid(number, {"resolve": form})
    return _run(number, lambda: back_office.resolve_attention(order, form.note.data, _actor()), {"resolve": form})


def _entitlement_action(number, entitlement_id, action):
    order = order_or_404(number)
    entitlement = _of_order(order, DownloadEntitlement, entitlement_id)
    return _run(number, lambda: action(entitlement, _actor()))


@bp.post("/orders/<number>/entitlements/<int:entitlement_id>/reissue")
def reissue_link(number, entitlement_id):
    """A fresh download link; the old one stops working."""
    return _entitlement_action(number, entitlement_id, back_office.reissue_link)


@bp.post("/orders/<number>/entitlements/<int:entitlement_id>/reset-count")
def reset_download_count(number, entitlement_id):
    return _entitlement_action(number, entitlement_id, back_office.reset_download_count)


@bp.post("/orders/<number>/entitlements/<int:entitlement_id>/extend")
def extend_entitlement(number, entitlement_id):
    order = order_or_404(number)
    entitlement = _of_order(order, DownloadEntitlement, entitlement_id)
    form = ExtendForm()
    if not form.validate():
        return _invalid(number, error=f"{entitlement.file_name}: {_form_errors(form)}")
    return _run(number, lambda: back_office.extend_expiry(entitlement, form.days.data, _actor()))


@bp.post("/orders/<number>/renditions/<int:rendition_id>/render-again")
def rerun_render(number, rendition_id):
    order = order_or_404(number)
    rendition = _of_order(order, Rendition, rendition_id)
    return _run(number, lambda: back_office.rerun_render(rendition, _actor()))


@bp.post("/orders/<number>/shipments")
def ship(number):
    """Mark some or all of the physical items shipped (quantities as `quantity-<item id>` fields)."""
    order = order_or_404(number)
    form = ShipForm()
    if not form.validate():
        return _invalid(number, {"ship": form})
    quantities = form.quantities(request.form, fulfilment.lines_to_ship(order))
    fields = (form.carrier.data, form.tracking_number.data, form.tracking_url.data)
    return _run(number, lambda: fulfilment.ship(order, quantities, *fields, _actor()), {"ship": form})
