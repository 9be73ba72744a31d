"""Work done once in a parent process before it forks children that serve requests or run jobs.

A forked child inherits the parent's memory and shares its pages until it writes to them. Whatever the parent has
not done, every child does again, in private memory: RQ's work horse (one fork per job) would otherwise configure
the SQLAlchemy mappers (~0.5 s), import and register reportlab's fonts and import the job's module on every job.
So the worker's parent and the gunicorn master (preload_app) do it once, then freeze what they built out of the
garbage collector's reach: a collection in a child then does not touch (and so copy) those pages.

A child must never use the parent's database connections: `dispose_inherited_connections` runs after each fork.
Redis clients need nothing: redis-py notices the new process id and opens fresh connections.
"""

import gc

from sqlalchemy.orm import configure_mappers
from werkzeug.utils import import_string

from storefront.extensions import db

# The modules whose functions RQ runs (by dotted path): imported here, not in each work horse.
JOB_MODULES = (
    "storefront.jobs",
    "storefront.periodic",
    "storefront.downloads.tasks",
    "storefront.renders.tasks",
    "storefront.mail.tasks",
    "storefront.catalog.cleanup",
    "storefront.promotions.tasks",
)

WARM_KEY = "storefront.prefork_warm"


def warm_up_worker(app):
    """Import the job modules and build what their first run would (mappers, PDF fonts, the emails' compiled
    templates), then freeze the heap."""
    for module in JOB_MODULES:
        import_string(module)
    _warm_fonts()
    configure_mappers()
    for name in app.jinja_env.list_templates(filter_func=lambda name: name.startswith("mail/")):
        app.jinja_env.get_template(name)
    gc.freeze()


def warm_up_web(app):
    """Build the mappers and the static files' manifest in the gunicorn master, then freeze the heap (once: a
    worker forked later to replace one that died finds it done)."""
    from storefront.assets import manifest

    if app.extensions.get(WARM_KEY):
        return
    app.extensions[WARM_KEY] = True
    configure_mappers()
    with app.app_context():
        manifest()
    gc.freeze()


def _warm_fonts():
    from storefront.renders.fonts import Face, code_points, pdf_font

    for face in Face:
        pdf_font(face)
        code_points(face)


def dispose_inherited_connections(app):
    """In a fresh child: forget (without closing: the parent still owns them) the pooled database connections."""
    with app.app_context():
        db.engine.dispose(close=False)
