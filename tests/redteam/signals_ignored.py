# ruff: noqa
"""Prelude: ignores SIGTERM, SIGALRM, SIGINT, SIGHUP and blocks them too; relu then loops.
The trusted side kills with SIGKILL, which cannot be caught or ignored."""
import signal

for _sig in (signal.SIGTERM, signal.SIGALRM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGALRM, signal.SIGINT})


def relu(z):
    while True:
        pass
