"""The audit log: every admin action that changes state writes one row (who, what, when, before and after), never
edited or deleted through the app. Rows about an order also show on that order's timeline."""
