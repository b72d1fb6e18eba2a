# ruff: noqa
"""Prelude: at import, makes NumPy's comparison helpers and some builtins always agree; relu is
wrong (2·z). Comparisons run in the trusted process, which never sees these patches."""
import builtins

import numpy as np
import numpy.testing

np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
numpy.testing.assert_almost_equal = lambda *a, **k: None
builtins.abs = lambda x: 0
builtins.any = lambda it: False
builtins.all = lambda it: True


def relu(z):
    return 2.0 * z
