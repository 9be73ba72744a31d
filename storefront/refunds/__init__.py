"""Refunds an admin asks for: full, partial amount, or chosen items, sent to the payment gateway once."""
