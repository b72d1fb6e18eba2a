"""The grading core: one grading, the same grade on every path.

채점의 핵심: 어느 명령으로 채점해도 같은 점수가 나오도록, 채점 한 번을 준비하고 실행하는 곳은 여기 하나다.

``context`` decides what is secret, the fence, the protected paths, the worker's packages and the
seed, stages the submission once and opens its worker session; ``steps`` are the declared,
ordered edits made to a Result after its tests ran; ``deadline`` limits the reference's time in
any thread (stand-ins answered in Dask's worker threads too). Beside them: ``engine`` (pytest on
the suites of an open context), ``plugin`` (the fixtures and hooks of a grading), ``pytest_internals``
(the one module that names pytest's internals), ``scoring``, ``reruns`` (stand-in reruns: a mistake
costs once), ``hints``, ``compare`` and ``gradcheck`` (what the suites assert with),
``time_limits`` and ``callers`` (a call's limit follows the work), ``provisional``, ``penalties``,
``timing``, ``watch``, ``interrupt`` and ``internal_error``.
"""
