"""Admin: orders. `table` lists, filters and exports them; `detail` shows one order's panel with its actions
(fulfilment, notes, entitlements); `refund` refunds inline. Each module registers its routes on the admin blueprint."""

import storefront.admin.orders.actions  # noqa: F401  (the order panel's actions)
import storefront.admin.orders.detail  # noqa: F401  (the order panel)
import storefront.admin.orders.export  # noqa: F401  (the orders table's CSV export)
from storefront.admin.orders import refund, table  # noqa: F401  (routes register on import)
from storefront.admin.orders.table import orders_needing_attention_count  # noqa: F401
