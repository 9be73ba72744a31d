"""GET /healthz for load balancers: database and Redis state, never configuration values."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from storefront.extensions import db
from storefront.jobs import redis_state

bp = Blueprint("health", __name__)


def database_state():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        current_app.logger.warning("database health check failed: %s", type(error).__name__)
        db.session.rollback()
        return "down"
    return "ok"


@bp.get("/healthz")
def healthz():
    """200 with status "ok", or "degraded" while Redis is down: the shop still sells then (jobs wait as records
    for the sweep), so the router must keep the dyno. 503 with status "down" while the database is unreachable:
    nothing works without it, and a restart or another instance may help."""
    database, redis = database_state(), redis_state()
    if database != "ok":
        status = "down"
    else:
        status = "degraded" if redis == "down" else "ok"
    return jsonify({"status": status, "database": database, "redis": redis}), 503 if status == "down" else 200
