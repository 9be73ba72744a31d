"""Licence keys: issued per purchased unit when an order is paid, shown to the buyer, revoked by refunds, and
checked by the creator's software through a small JSON endpoint."""
