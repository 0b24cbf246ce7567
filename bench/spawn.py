"""The small parent: run one command and report its peak memory, as ``/usr/bin/time -v`` would.

Run as ``python -I -S bench/spawn.py CWD COMMAND...``; prints ``PEAK_KB FLOOR_KB EXIT_STATUS``.

Why a separate process: on Linux a child's ``ru_maxrss`` starts from its parent's high-water mark
(``exec`` carries the peak of the address space it replaces into the new program's figure). Started
from the bench, which holds PyAV, a corpus index and the in-process figures, a 45 MB ``check`` reads
as 100-400 MB. Started from this script, run with ``-I -S`` so it imports nothing but ``os`` and
``sys``, the figure starts from this script's own few megabytes: that floor is ``FLOOR_KB`` (this
process's ``VmHWM``; 0 where ``/proc`` is missing), and no figure below it can be told apart.
"""

import os
import sys


def _own_peak_kb() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv: list[str]) -> int:
    """Spawn ``argv[1:]`` in ``argv[0]`` with no output, wait, print its peak and this floor."""
    cwd, cmd = argv[0], argv[1:]
    os.chdir(cwd)
    null = os.open(os.devnull, os.O_RDWR)
    # posix_spawn: no Python runs in the child between fork and exec, so nothing adds to the floor.
    actions = [(os.POSIX_SPAWN_DUP2, null, fd) for fd in (0, 1, 2)]
    pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=actions)
    floor = _own_peak_kb()
    _, status, usage = os.wait4(pid, 0)
    peak = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss  # bytes there
    print(peak, floor, os.waitstatus_to_exitcode(status))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
