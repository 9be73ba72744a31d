"""Admin: orders. `table` lists, filters and exports them; `detail` shows one order's panel with its actions
(fulfilment, notes, entitlements); `refund` refunds inline. Each module registers its routes on the admin blueprint."""

from storefront.admin.orders import table  # noqa: F401  (routes register on import)
from storefront.admin.orders.table import orders_needing_attention_count  # noqa: F401
