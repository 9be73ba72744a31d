"""Admin products: the list and editor (catalogue), pictures and deliverable files (media), and direct uploads to
S3 (direct)."""

from storefront.admin.products import catalogue, direct, media  # noqa: F401  (routes register on import)
