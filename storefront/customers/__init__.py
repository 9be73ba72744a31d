"""Customers as the back office sees them: accounts with what they bought (`queries`) and the staff rules for
blocking them and changing their roles (`services`)."""
