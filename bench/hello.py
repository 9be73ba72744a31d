"""The yardstick: a bare Flask hello world, served by bench/run with the Procfile's own gunicorn line."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
