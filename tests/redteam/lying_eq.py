# ruff: noqa
"""Replaces relu: returns an object that claims to equal anything. The wire carries only plain
data, so it arrives as "returned _Liar"."""


class _Liar:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


def relu(z):
    return _Liar()
