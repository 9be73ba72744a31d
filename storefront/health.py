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
    database = database_state()
    body = {"status": "ok" if database == "ok" else "down", "database": database, "redis": redis_state()}
    return jsonify(body), 200 if database == "ok" else 503
