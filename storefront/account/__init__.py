"""The shopper's own pages: their orders, their library of files, and changing their email or password.

Signing up, logging in and resetting a password live in `storefront.accounts`; the blueprint is in `views`."""
