"""grader — auto-graded exercises with an isolated student worker.

학생 코드는 별도 작업자(worker) 프로세스에서만 실행되고, 테스트·참조 해답·채점은 신뢰 프로세스에 남는다.
Student code runs only in a worker process; tests, references and scoring stay in the trusted one.

Keep this file free of imports. The worker never reads it: it imports ``grader.worker`` (the only
part of ``grader`` it can see) under a ``grader/__init__.py`` of its own (``sandbox.make_site``).
"""

__version__ = "0.2.0"
# The distribution's name on PyPI (`pip install rokey-grader`): "grader" there is an unrelated
# project. The import package and the command stay `grader`.
DISTRIBUTION = "rokey-grader"


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext grader``: ``%grade`` in this kernel (imported only then: ``import grader``
    stays free of IPython)."""
    from grader.notebook import magic

    magic.load(ipython)


def unload_ipython_extension(ipython: object) -> None:
    from grader.notebook import magic

    magic.unload()
