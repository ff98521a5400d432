# The driver does not outlive the process that started it. The CLI's parent-death watch kills the driver's process
# group when the CLI dies; this is the second line, for when the watch dies too (both SIGKILLed, a runner killing
# every process it finds). Two ways in, whichever runs first kills our whole process group (the driver and whatever
# a migration started in it) with SIGKILL: the kernel sends us SIGTERM when our parent exits (Linux
# PR_SET_PDEATHSIG; its Python handler runs between bytecodes), and a thread sees our parent change while the main
# thread waits in C (a long statement on the server, with the GIL released).
# Promises: only when the driver leads its own process group (as the CLI starts it); a no-op where prctl cannot be
# had; a parent already gone ends us at once. The thread starts with the first call that may run project code
# (start_watch), after containment: a process with a second thread cannot enter a user namespace.

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1
_POLL_SECONDS = 0.5
_armed = {"parent": None, "watching": False}


def _kill_group(*_args):
    try:
        os.killpg(os.getpgid(0), signal.SIGKILL)
    finally:
        os._exit(128 + signal.SIGTERM)


def _watch(parent):
    while os.getppid() == parent:
        time.sleep(_POLL_SECONDS)
    _kill_group()


def die_with_parent():
    if os.getpgid(0) != os.getpid():
        return  # run by hand or with `python -m` in someone's group: killing the group is not ours to do
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) == 0:
                signal.signal(signal.SIGTERM, _kill_group)
        except (OSError, AttributeError):
            pass
    _armed["parent"] = parent
    if os.getppid() != parent:
        _kill_group()  # the parent died while we set up: no signal will come


def start_watch():
    """The watch thread, once; nothing when die_with_parent() did not arm (not our own process group)."""
    if _armed["parent"] is None or _armed["watching"]:
        return
    _armed["watching"] = True
    threading.Thread(target=_watch, args=(_armed["parent"],), name="preflight-parent-death", daemon=True).start()
