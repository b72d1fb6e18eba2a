# ruff: noqa
"""Prelude: sys.exit(3) while the module imports: an import error of this module only."""
import sys

sys.exit(3)
