"""Benchmarks of the shop (not part of the app and never run by CI, except `bench/run --smoke` from the tests).

`bench/run` is the one command; see the README's "Benchmarks" section."""
