"""GET /healthz reports the database and Redis, and never leaks configuration."""

from storefront import create_app

# Nothing listens on port 1, so connecting fails at once.
UNREACHABLE_POSTGRES = "postgresql+psycopg://shop@127.0.0.1:1/shop"


def test_healthy_shop_reports_database_and_redis_up(client, app, redis_url):
    app.config["REDIS_URL"] = redis_url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "ok"}


def test_redis_is_reported_as_not_configured_when_absent(client, app):
    app.config["REDIS_URL"] = None
    assert client.get("/healthz").json["redis"] == "not configured"


def test_unreachable_redis_is_reported_down_but_the_shop_stays_up(client, app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["redis"] == "down"


def test_unreachable_database_answers_503(app):
    broken = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": UNREACHABLE_POSTGRES, "SQLALCHEMY_ENGINE_OPTIONS": {}}
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "down"
    assert response.json["database"] == "down"


def test_health_never_shows_secrets_or_urls(client, app):
    body = client.get("/healthz").get_data(as_text=True)
    assert app.config["SECRET_KEY"] not in body
    assert "sqlite" not in body and "postgres" not in body
