# Containment: the driver leaves the network before any project code runs. It enters a user namespace and a network
# namespace of its own (Linux), where there is no interface but a loopback that is down; the throwaway database is a
# file (SQLite) or a cluster reached through its Unix socket, which a network namespace does not cut off.
# Promises: answers what is in force ({"network": "none" | "host", "reason"}); never half-enters (a failure leaves
# the driver as it was, and says why); once in, there is no way back for the process or anything it starts: the
# namespaces belong to a user namespace the driver created, and setns() into the host's needs a capability there.

import ctypes
import os
import socket
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000

_in_force = {"answer": None}


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def _threads():
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def _enter_as_root(libc):
    """Root: a helper left in the host's namespaces writes identity maps for every uid and gid, so that files
    (and the server account's 0700 socket directory) stay as reachable as before; a process can map only itself."""
    ready_r, ready_w = os.pipe()
    done_r, done_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the helper: nothing of Python's shutdown runs here (os._exit)
        code = 1
        try:
            os.close(ready_w)
            os.close(done_r)
            if os.read(ready_r, 1) == b"y":
                parent = os.getppid()
                _write("/proc/%d/uid_map" % parent, "0 0 4294967295\n")
                _write("/proc/%d/gid_map" % parent, "0 0 4294967295\n")
                code = 0
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(ready_r)
    os.close(done_w)
    os.close(done_r)
    try:
        rc = libc.unshare(CLONE_NEWUSER | CLONE_NEWNET)
        err = ctypes.get_errno()
        os.write(ready_w, b"y" if rc == 0 else b"n")
    finally:
        os.close(ready_w)
    _, status = os.waitpid(pid, 0)
    if rc != 0:
        return "unshare(CLONE_NEWUSER | CLONE_NEWNET): %s" % os.strerror(err)
    if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        # In a user namespace without a map we could not even read our own files: that is a failure to stop on.
        raise RuntimeError("entered a user namespace but its uid/gid maps could not be written")
    return None


def _enter_as_user(libc):
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return "unshare(CLONE_NEWUSER | CLONE_NEWNET): %s" % os.strerror(ctypes.get_errno())
    # Map ourselves to ourselves: the same uid and gid inside, the same files reachable.
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", "%d %d 1\n" % (uid, uid))
    _write("/proc/self/gid_map", "%d %d 1\n" % (gid, gid))
    return None


def _interfaces():
    try:
        return [name for _, name in socket.if_nameindex()]
    except OSError:
        return []


def enter_network_namespace():
    """None once in a network namespace of our own, else why not (nothing changed then)."""
    if not sys.platform.startswith("linux"):
        return "network namespaces are Linux-only (this is %s)" % sys.platform
    threads = _threads()
    if threads != 1:
        return ("the driver runs %d threads (started by code it imported), and only a single-threaded process "
                "can enter a user namespace" % threads)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        unshare = libc.unshare
    except (OSError, AttributeError) as e:
        return "no unshare() in the C library (%s)" % e
    unshare.argtypes = [ctypes.c_int]
    before = os.readlink("/proc/self/ns/net")
    why = _enter_as_root(libc) if os.geteuid() == 0 else _enter_as_user(libc)
    if why is not None:
        return why
    if os.readlink("/proc/self/ns/net") == before:
        raise RuntimeError("unshare() succeeded but the network namespace did not change")
    return None


def _describe():
    names = _interfaces()
    up = [n for n in names if n != "lo"]
    if up:
        raise RuntimeError("a new network namespace with interfaces %s" % ", ".join(up))
    return "own network namespace, entered before any project code ran; its only interface, lo, is down"


def do_contain(params):
    """{"network": "none"}: leave the network, once per driver; answers what is in force."""
    if _in_force["answer"] is not None:
        return _in_force["answer"]
    if params.get("network") != "none":
        answer = {"network": "host", "reason": params.get("reason") or "not asked"}
    else:
        why = enter_network_namespace()
        if why is None:
            answer = {"network": "none", "reason": _describe()}
        else:
            answer = {"network": "host", "reason": why}
    _in_force["answer"] = answer
    return answer

