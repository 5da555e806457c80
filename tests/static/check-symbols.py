#!/usr/bin/env python3
"""Check the shared library's exported symbols.

usage: check-symbols.py --tool NM_OR_OBJDUMP --format elf|pe --sym LIBEXITSTAT.SYM
                        --header EXITSTAT.H LIBRARY

Three lists must be equal: the functions the shared library exports, the
global: list of lib/libexitstat.sym, and the EXITSTAT_API functions declared in
include/exitstat.h. Every exported symbol begins with exitstat_ (and never
exitstat__, the internal prefix).
"""
import argparse
import re
import subprocess
import sys


def exported(tool, fmt, lib):
    if fmt == 'elf':
        out = subprocess.run([tool, '-D', '--defined-only', lib], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        names = set()
        for line in out.splitlines():
            parts = line.split()
            # "ADDRESS TYPE NAME[@@VERSION]"; skip the version node itself (type A)
            if len(parts) == 3 and parts[1] not in ('A',):
                names.add(parts[2].split('@')[0])
        return names
    out = subprocess.run([tool, '-p', lib], check=True, stdout=subprocess.PIPE,
                         text=True).stdout
    names, inside = set(), False
    for line in out.splitlines():
        if '[Ordinal/Name Pointer] Table' in line:
            inside = True
            continue
        if inside:
            m = re.match(r'\s*\[\s*\d+\]\s+(\S+)', line)
            if m:
                names.add(m.group(1))
            elif line.strip() == '':
                if names:
                    inside = False
    return names


def from_sym(path):
    text = re.sub(r'/\*.*?\*/', '', open(path).read(), flags=re.S)
    m = re.search(r'global:(.*?)local:', text, flags=re.S)
    return {s.strip() for s in m.group(1).split(';') if s.strip()}


def from_header(path):
    text = open(path).read()
    return set(re.findall(r'EXITSTAT_API\s[^;(]*?\b(exitstat_\w+)\s*\(', text))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tool', required=True)
    ap.add_argument('--format', choices=('elf', 'pe'), required=True)
    ap.add_argument('--sym', required=True)
    ap.add_argument('--header', required=True)
    ap.add_argument('library')
    a = ap.parse_args()

    lib, sym, hdr = exported(a.tool, a.format, a.library), from_sym(a.sym), from_header(a.header)
    ok = True
    for where, got in (('the library\'s exports', lib), ('lib/libexitstat.sym', sym)):
        for name in sorted(got - hdr):
            print('%s is in %s but not declared in the header' % (name, where))
            ok = False
        for name in sorted(hdr - got):
            print('%s is declared in the header but missing from %s' % (name, where))
            ok = False
    for name in sorted(lib):
        if not name.startswith('exitstat_') or name.startswith('exitstat__'):
            print('exported symbol %s does not begin with exitstat_' % name)
            ok = False
    print('%d exported, %d in the .sym, %d declared' % (len(lib), len(sym), len(hdr)))
    if not hdr:
        print('no declarations found in the header')
        ok = False
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
