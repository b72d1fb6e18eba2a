# ruff: noqa
"""Prelude: the module never finishes importing. Stopped by the per-call timeout of the load;
the module is remembered as broken, so its other tests fail fast instead of each paying a
timeout."""
while True:
    pass
