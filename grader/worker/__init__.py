"""The untrusted side of the trust boundary: everything that runs inside the worker process.

작업자 프로세스 안에서 실행되는 모든 코드 — 신뢰 경계의 바깥쪽.

- ``serve``: the serving loop (imports the student's modules, runs calls, captures output);
- ``wire``: the plain-data codec, shared with the trusted side;
- ``protocol``: frames (their heads, one write out, an inbox to read them) and the error
  record, shared with the trusted side;
- ``limits``: rlimits, dropped capabilities and the seccomp filter;
- ``landlock``: the Landlock fence the worker puts around itself.

This subpackage imports only the standard library and NumPy (a test checks it), and it is the
only part of ``grader`` a fenced worker can read. Keep this file free of imports.
"""
