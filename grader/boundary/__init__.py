"""The trusted side of the worker boundary: the pool of worker processes, the proxy that carries a
session's calls, and the sandbox (fences) they start in.
"""
