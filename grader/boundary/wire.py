"""The wire codec, as the trusted side imports it (it lives in ``grader.worker.wire``).

전송 형식 — 실제 구현은 작업자 하위 패키지 ``grader.worker.wire``에 있다.
"""

from grader.worker.wire import ALLOWED_DTYPES, Unsupported, WireError, decode, encode

__all__ = ["ALLOWED_DTYPES", "Unsupported", "WireError", "decode", "encode"]
