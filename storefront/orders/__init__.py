"""Orders: the pending → paid → fulfilled pipeline, order numbers, and the guest order lookup."""
