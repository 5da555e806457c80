#!/usr/bin/env python3
"""Compile include/exitstat.h on its own, as strict C99 or as C++.

usage: check-header.py (--std=c99 | --cxx) HEADER -- COMPILER [ARGS...]

The header is the one public include; it must stand alone (no other include
needed first), compile with -pedantic -Werror as C99, and compile as C++.
"""
import os
import subprocess
import sys
import tempfile


def main():
    argv = sys.argv[1:]
    if '--' not in argv or len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index('--')
    opts, compiler = argv[:split], argv[split + 1:]
    mode, header = opts[0], opts[1]
    incdir = os.path.dirname(os.path.abspath(header))

    if mode == '--cxx':
        suffix, flags = '.cc', ['-x', 'c++', '-std=c++11', '-pedantic', '-Wall', '-Wextra', '-Werror']
        body = '#include <exitstat.h>\nint main() { exitstat_status st = exitstat_status(); ' \
               'return exitstat_status_from_wait(0, &st); }\n'
    else:
        suffix, flags = '.c', ['-x', 'c', mode, '-pedantic', '-Wall', '-Wextra', '-Werror']
        body = '#include <exitstat.h>\nint main(void) { exitstat_status st; ' \
               'return exitstat_status_from_wait(0, &st); }\n'

    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'alone' + suffix)
        with open(src, 'w') as f:
            f.write(body)
        cmd = compiler + flags + ['-I', incdir, '-fsyntax-only', src]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(' '.join(cmd))
        print(r.stdout, end='')
        if r.returncode != 0:
            print('FAIL: the header does not compile alone (%s)' % mode)
            return 1
    print('ok: the header compiles alone (%s)' % mode)
    return 0


if __name__ == '__main__':
    sys.exit(main())
