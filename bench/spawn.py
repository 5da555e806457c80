#!/usr/bin/env python3
"""The spawn benchmark's python3 row: N sequential subprocess.run of PROG.

    spawn.py PROG N [MIB]

Holds MIB MiB of touched memory first (the big-parent table), runs PROG once
to warm up, then prints "WALL_S CPU_S CHILDREN_CPU_S" for the N runs,
measured inside Python so that the interpreter's own start is not counted.
CPU is this process's (time.process_time: user + system), then its
children's (getrusage RUSAGE_CHILDREN, user + system).
"""
import resource
import subprocess
import sys
import time


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def main():
    prog, n = sys.argv[1], int(sys.argv[2])
    mib = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    held = bytearray(mib << 20)
    for i in range(0, len(held), 4096):  # touch every page, as the C parent does
        held[i] = 1
    subprocess.run([prog], check=True)
    kids = children_cpu()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        subprocess.run([prog], check=True)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{wall:.9f} {cpu:.9f} {children_cpu() - kids:.9f}")
    del held


main()
