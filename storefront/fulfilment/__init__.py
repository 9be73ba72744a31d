"""Fulfilment of physical items: shipments (partial ones allowed) with carrier and tracking."""
