"""Promotion codes: a percentage or a fixed amount off, with a minimum subtotal, a cap on redemptions, an expiry and
an active flag. The shop enforces the rules itself on its checkout's code field (both gateways); with Stripe each code
is also created as a Stripe coupon and promotion code, so it works on Stripe's own page and stays in sync."""
