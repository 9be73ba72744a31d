"""Entry point for gunicorn (`wsgi:app`) and the flask CLI (`flask --app wsgi`)."""

import sys

from storefront import create_app
from storefront.config import ConfigError

try:
    app = create_app()
except ConfigError as problem:
    sys.exit(f"storefront: configuration error: {problem}")
