# ruff: noqa
"""Prelude: os._exit(0) while the module imports. The module is broken; another module
(linear_neurons) keeps its points."""
import os

os._exit(0)
