# ruff: noqa
"""Replaces relu: looks for solutions/lec04/activations.py around its working folder and its
own module (every ancestor, a few levels down) and imports the reference from it. Under bwrap
the filesystem holds only Python, NumPy and the submission: nothing to find. Under process
isolation it may succeed — the report then says the isolation was reduced."""
import importlib.util
import os
import time

TARGET = os.path.join("solutions", "lec04", "activations.py")


def _search():
    start, seen = time.monotonic(), 0
    roots = []
    for place in (os.getcwd(), os.path.dirname(os.path.abspath(__file__))):
        while place not in ("/", ""):
            roots.append(place)
            place = os.path.dirname(place)
    roots.append("/work/main")
    for root in roots:
        base_depth = root.count(os.sep)
        for folder, dirs, files in os.walk(root):
            seen += 1
            if time.monotonic() - start > 0.5 or seen > 20000:
                return None
            candidate = os.path.join(folder, TARGET)
            if os.path.isfile(candidate):
                return candidate
            if folder.count(os.sep) - base_depth >= 3:
                dirs[:] = []
    return None


def relu(z):
    path = _search()
    if path is None:
        raise RuntimeError("reference not found")
    spec = importlib.util.spec_from_file_location("stolen_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.relu(z)
