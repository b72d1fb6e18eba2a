# ruff: noqa
"""Replaces gradient_through_layers: returns an object with a lying __float__ (and __eq__),
never raising. Arrives as "returned _FloatLike"."""


class _FloatLike:
    def __float__(self):
        return 0.25

    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


def gradient_through_layers(zs, activation):
    return _FloatLike()
