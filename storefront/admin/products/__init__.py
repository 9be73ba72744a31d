"""Admin products: the list and editor (catalogue), and pictures and deliverable files (media)."""

from storefront.admin.products import catalogue, media  # noqa: F401  (routes register on import)
