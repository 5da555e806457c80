#!/usr/bin/env python3
"""Check the man pages in man/ against the public header, or lint them.

usage: check-man.py HEADER MANDIR
       check-man.py --lint [--mandoc PROG] MANDIR

Coverage (the default). Every function declared with EXITSTAT_API in HEADER
must be named by `.Nm` in the NAME section of exactly one page, and that page's
SYNOPSIS must declare it with `.Fn` or `.Fo`. Besides:
  - a page may not name or declare an exitstat_ function the header lacks;
  - `.Dt` must match the file name;
  - every `.Xr` to one of our pages must resolve to a page or to a link;
  - libexitstat.3 must refer with `.Xr` to every other page but those of
    commands (section 1);
  - when MANDIR/meson.build holds the `man_pages` table (page: [links]), the
    table must list every page, and for each page exactly the other names of
    its NAME section, so that every function gets its link installed.
The header is parsed leniently (comments and preprocessor lines removed,
declarations split at `;`), so declarations added later, spread over several
lines or carrying attribute macros are found as well.

Lint (--lint). Runs `mandoc -Tlint -W style` on every page and fails on any
message, style suggestions included. mandoc checks every `.Xr` against the
installed manuals, where this project's pages are not (yet): the pages and
their links are therefore laid out in a temporary man3/ tree that mandoc is
told to search (-m). A reference to a page outside this project that is not
installed on the build machine (Debian images often omit man pages) says
nothing about our pages and is only reported as a note. mandoc's exit status
alone is not trusted: versions differ in what they count.

Exits 0 when everything is in order, 1 otherwise, 77 (skip) for --lint when
mandoc cannot be found.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

OUR_NAME = re.compile(r'^(?:lib)?exitstat(?:_\w+)?$')


# ---------------------------------------------------------------------------
# The header
# ---------------------------------------------------------------------------
def header_functions(path):
    """The names of the functions declared with EXITSTAT_API, in order."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    text = re.sub(r'\\\n', ' ', text)                      # continued lines
    text = re.sub(r'^[ \t]*#[^\n]*', ' ', text, flags=re.M)  # the preprocessor
    names = []
    for decl in re.split(r'[;{}]', text):
        m = re.search(r'\bEXITSTAT_API\b', decl)
        if not m:
            continue
        # The first lower-case exitstat_ identifier followed by "(" is the
        # function: types such as exitstat_status are never followed by "(",
        # attribute macros are upper case.
        f = re.search(r'\b(exitstat_[a-z0-9_]+)\s*\(', decl[m.end():])
        if f and f.group(1) not in names:
            names.append(f.group(1))
    return names


# ---------------------------------------------------------------------------
# The pages
# ---------------------------------------------------------------------------
class Page:
    def __init__(self, path):
        self.path = path
        self.file = os.path.basename(path)
        self.stem, _, self.section = self.file.rpartition('.')
        self.names = []      # .Nm in NAME
        self.synopsis = []   # .Fn/.Fo in SYNOPSIS
        self.xrefs = []      # (name, section, line) of every .Xr
        self.dt = None       # (title, section) of .Dt
        self.so = None       # target of a .so link page
        self._parse()

    def _parse(self):
        with open(self.path, encoding='utf-8') as f:
            lines = f.read().splitlines()
        section = None
        for no, line in enumerate(lines, 1):
            m = re.match(r'^[.\']\s*(\w+)\s*(.*)$', line)
            if not m:
                continue
            macro, args = m.group(1), m.group(2)
            if macro == 'so':
                self.so = args.strip()
            elif macro == 'Sh':
                section = args.strip().strip('"')
            elif macro == 'Dt':
                parts = args.split()
                if len(parts) >= 2:
                    self.dt = (parts[0], parts[1])
            elif macro == 'Nm' and section == 'NAME':
                self.names += [t for t in args.split() if re.match(r'^[\w.+-]+$', t)]
            elif macro in ('Fn', 'Fo') and section == 'SYNOPSIS':
                parts = args.split()
                if parts:
                    self.synopsis.append(parts[0])
            # .Xr may also appear inside a line of other macros
            for xm in re.finditer(r'\bXr\s+(\S+)\s+(\d\w*)', args if macro != 'Xr' else 'Xr ' + args):
                self.xrefs.append((xm.group(1), xm.group(2), no))


def load_pages(mandir):
    paths = sorted(p for p in glob.glob(os.path.join(mandir, '*.[1-9]')) if os.path.isfile(p))
    return [Page(p) for p in paths]


def meson_table(path):
    """The man_pages table of man/meson.build: {page file: [link names]}, or None."""
    try:
        with open(path, encoding='utf-8') as f:
            text = f.read()
    except OSError:
        return None
    text = re.sub(r'#[^\n]*', '', text)
    m = re.search(r'\bman_pages\s*=\s*\{(.*?)\n\}', text, flags=re.S)
    if not m:
        return None
    table = {}
    for em in re.finditer(r"'([^']+)'\s*:\s*\[([^\]]*)\]", m.group(1)):
        table[em.group(1)] = re.findall(r"'([^']+)'", em.group(2))
    return table


# ---------------------------------------------------------------------------
# Coverage
# ---------------------------------------------------------------------------
def coverage(header, mandir):
    problems = []
    declared = header_functions(header)
    if not declared:
        print('no EXITSTAT_API function found in %s' % header)
        return 1
    pages = load_pages(mandir)
    content = [p for p in pages if p.so is None]

    named_by = {}
    for p in content:
        for n in p.names:
            named_by.setdefault(n, []).append(p)

    for fn in declared:
        where = named_by.get(fn, [])
        if not where:
            problems.append('%s: no page names it with .Nm in its NAME section' % fn)
            continue
        if len(where) > 1:
            problems.append('%s: named by several pages: %s' % (fn, ', '.join(p.file for p in where)))
        for p in where:
            if fn not in p.synopsis:
                problems.append('%s: %s names it but its SYNOPSIS has no .Fn %s' % (fn, p.file, fn))

    for p in content:
        for n in p.names + p.synopsis:
            if n.startswith('exitstat_') and n not in declared:
                problems.append('%s: documents %s, which the header does not declare' % (p.file, n))
        for n in p.synopsis:
            if n not in p.names:
                problems.append('%s: SYNOPSIS declares %s, which NAME does not list' % (p.file, n))
        if not p.names:
            problems.append('%s: no .Nm in the NAME section' % p.file)
        elif p.stem not in p.names:
            problems.append('%s: the file is not named after any .Nm of its NAME section' % p.file)
        if p.dt != (p.stem.upper(), p.section):
            problems.append('%s: .Dt is %s, expected %s %s' % (
                p.file, ' '.join(p.dt) if p.dt else 'missing', p.stem.upper(), p.section))

    # Every name a reader can look up: the pages, and the links to them.
    lookup = {(p.stem, p.section) for p in pages}
    for p in content:
        lookup |= {(n, p.section) for n in p.names}
    for p in content:
        for name, sec, line in p.xrefs:
            if OUR_NAME.match(name) and (name, sec) not in lookup:
                problems.append('%s:%d: .Xr %s %s refers to no page or link in %s' % (
                    p.file, line, name, sec, mandir))

    overview = [p for p in content if p.file == 'libexitstat.3']
    if not overview:
        problems.append('libexitstat.3 is missing')
    else:
        refs = {(n, s) for n, s, _ in overview[0].xrefs}
        for p in content:
            # the pages of commands (section 1) are not the library's
            if p is not overview[0] and p.section != '1' and (p.stem, p.section) not in refs:
                problems.append('libexitstat.3: no .Xr %s %s' % (p.stem, p.section))

    table = meson_table(os.path.join(mandir, 'meson.build'))
    if table is None:
        if os.path.exists(os.path.join(mandir, 'meson.build')):
            problems.append('meson.build: no man_pages table found')
    else:
        for p in content:
            if p.file not in table:
                problems.append('meson.build: %s is not in man_pages, so it is not installed' % p.file)
                continue
            want = sorted(n for n in p.names if n != p.stem)
            have = sorted(table[p.file])
            if want != have:
                problems.append('meson.build: man_pages links %s to [%s]; its NAME lists [%s]' % (
                    p.file, ', '.join(have), ', '.join(want)))
        for f in table:
            if not os.path.isfile(os.path.join(mandir, f)):
                problems.append('meson.build: man_pages lists %s, which does not exist' % f)

    for line in problems:
        print(line)
    print('%d functions declared, %d pages, %d problems' % (len(declared), len(pages), len(problems)))
    return 1 if problems else 0


# ---------------------------------------------------------------------------
# Lint
# ---------------------------------------------------------------------------
XR_NOT_FOUND = re.compile(r'STYLE: referenced manual not found: Xr (\S+) (\S+)')


def place(src, dst):
    try:
        os.symlink(os.path.abspath(src), dst)
    except (OSError, NotImplementedError):
        shutil.copyfile(src, dst)


def lint(mandoc, mandir):
    prog = mandoc or shutil.which('mandoc')
    if not prog:
        print('SKIP: mandoc not found')
        return 77
    pages = load_pages(mandir)
    if not pages:
        print('no pages in %s' % mandir)
        return 1
    problems, notes = [], []
    with tempfile.TemporaryDirectory() as tree:
        for p in pages:
            d = os.path.join(tree, 'man' + p.section)
            os.makedirs(d, exist_ok=True)
            place(p.path, os.path.join(d, p.file))
            for n in p.names:
                link = os.path.join(d, '%s.%s' % (n, p.section))
                if not os.path.exists(link):
                    place(p.path, link)
        cmd = [prog, '-Tlint', '-W', 'style', '-m', tree] + [p.file for p in pages]
        print('+ ' + ' '.join(cmd), flush=True)
        r = subprocess.run(cmd, cwd=mandir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
    for line in r.stdout.splitlines():
        m = XR_NOT_FOUND.search(line)
        if m and not OUR_NAME.match(m.group(1)):
            notes.append(line)
        elif line.strip():
            problems.append(line)
    for line in r.stderr.splitlines():
        # "outdated mandoc.db lacks X entry": mandoc found the page by
        # searching the file system instead, which is all the check needs
        if 'outdated mandoc.db' in line or not line.strip():
            continue
        problems.append(line)
    for line in notes:
        print('note (not installed here): ' + line)
    for line in problems:
        print(line)
    if not problems and r.returncode not in (0, 1):
        problems.append('mandoc exited with %d' % r.returncode)
        print(problems[-1])
    if not problems and r.returncode == 1 and not notes:
        problems.append('mandoc exited with 1 without a message')
        print(problems[-1])
    print('%d pages, %d problems' % (len(pages), len(problems)))
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--lint', action='store_true', help='run mandoc -Tlint instead')
    ap.add_argument('--mandoc', help='the mandoc program (default: from PATH)')
    ap.add_argument('paths', nargs='+', metavar='HEADER MANDIR')
    a = ap.parse_args()
    if a.lint:
        if len(a.paths) not in (1, 2):
            ap.error('--lint takes MANDIR (or HEADER MANDIR)')
        return lint(a.mandoc, a.paths[-1])
    if len(a.paths) != 2:
        ap.error('expected HEADER MANDIR')
    return coverage(a.paths[0], a.paths[1])


if __name__ == '__main__':
    sys.exit(main())
