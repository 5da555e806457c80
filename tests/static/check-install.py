#!/usr/bin/env python3
"""Install into a temporary DESTDIR and build an example against it.

usage: check-install.py --meson MESON --pkg-config PKGCONFIG --build-dir DIR
                        --example FILE.c -- CC [ARGS...]

What a user of the installed library does: `pkg-config --cflags --libs
libexitstat`, compile, link and run. PKG_CONFIG_SYSROOT_DIR points pkg-config
at the DESTDIR, so the flags it prints name the installed files, not the build
tree.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile


def run(cmd, **kw):
    print('+ ' + ' '.join(cmd), flush=True)
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, **kw).stdout


def main():
    argv = sys.argv[1:]
    split = argv.index('--')
    ap = argparse.ArgumentParser()
    for opt in ('--meson', '--pkg-config', '--build-dir', '--example'):
        ap.add_argument(opt, required=True)
    a = ap.parse_args(argv[:split])
    cc = argv[split + 1:]

    with tempfile.TemporaryDirectory() as dest:
        run([a.meson, 'install', '-C', a.build_dir, '--no-rebuild', '--quiet', '--destdir', dest])
        pcs = glob.glob(os.path.join(dest, '**', 'libexitstat.pc'), recursive=True)
        headers = glob.glob(os.path.join(dest, '**', 'include', 'exitstat.h'), recursive=True)
        if len(pcs) != 1 or len(headers) != 1:
            print('FAIL: installed %d libexitstat.pc and %d exitstat.h' % (len(pcs), len(headers)))
            return 1
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pcs[0]),
                   PKG_CONFIG_LIBDIR=os.path.dirname(pcs[0]), PKG_CONFIG_SYSROOT_DIR=dest)
        flags = run([a.pkg_config, '--cflags', '--libs', 'libexitstat'], env=env).split()
        print(' '.join(flags))
        if not any(f.startswith('-L' + dest) for f in flags):
            print('FAIL: pkg-config does not point into the DESTDIR')
            return 1
        exe = os.path.join(dest, 'example')
        run(cc + [a.example, '-o', exe] + flags)
        libdirs = [f[2:] for f in flags if f.startswith('-L')]
        out = run([exe], env=dict(os.environ, LD_LIBRARY_PATH=':'.join(libdirs)))
        print(out, end='')
        manpages = glob.glob(os.path.join(dest, '**', 'man3', '*.3'), recursive=True)
        print('%d man pages installed' % len(manpages))
    print('ok: installed, found by pkg-config, example built and ran')
    return 0


if __name__ == '__main__':
    sys.exit(main())
