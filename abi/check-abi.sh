#!/usr/bin/env bash
# abi/check-abi.sh - guard the ABI of libexitstat.so.0 against the dump kept in
# the tree (abi/libexitstat.abi), with libabigail (Debian: abigail-tools).
#
#   bash abi/check-abi.sh            # build, compare; fail on an incompatible change
#   bash abi/check-abi.sh --update   # build and rewrite the dump, on purpose
#
# The library is built in its own tree ($ABI_BUILD_DIR, default build-ci/abi)
# with gcc and debug information, and compared with abidiff against the dump.
# The dump holds the exported functions and the types they reach, the ones
# include/exitstat.h defines (abidw --headers-dir --drop-private-types
# --exported-interfaces-only), so the library's internal structs are opaque
# in it and may change freely. abidiff itself is not given the headers: with
# them it takes the system headers' typedefs for private types and drops a
# change such as a struct member going from int64_t to int32_t. What passes
# and what fails, for 0.x, where the SONAME stays libexitstat.so.0:
#
#   - functions added: compatible (a program built against the dump still
#     finds everything it uses). Reported, not a failure. Add them to the dump
#     with --update when the release that has them is made.
#   - a function removed, or its symbol changed: incompatible (abidiff's
#     ABIDIFF_ABI_INCOMPATIBLE_CHANGE, 8). Fails.
#   - any other change abidiff sees (ABIDIFF_ABI_CHANGE, 4, once additions
#     are left out): a parameter or return type, or the layout of a struct
#     reachable from a function. Fails too, although libabigail calls some of
#     these compatible: it filters out a struct that grows at its end, but
#     exitstat_status and exitstat_usage are allocated by the caller, so a
#     program built against the old size would be overrun.
#   - abidiff failing to run (1, 2): fails.
#
# What abidiff cannot see is guarded elsewhere: the values of the #define
# constants and enums, which leave no trace in the debug information
# (bindings/python/tests/test_api.py compares them with the binding), and
# the list of exported symbols (tests/static/check-symbols.py).
#
# Updating the dump is a decision, not a fix for a red check: do it when an
# ABI change is intended (with a new SONAME for an incompatible one, once the
# major version is above 0), run --update, and commit abi/libexitstat.abi
# with the change that made it.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dump=$top/abi/libexitstat.abi
build=${ABI_BUILD_DIR:-$top/build-ci/abi}

update=0
case ${1:-} in
"") ;;
--update) update=1 ;;
-h|--help)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
*)
    echo "usage: $0 [--update]" >&2
    exit 2
    ;;
esac

for tool in abidw abidiff meson python3; do
    if ! command -v "$tool" >/dev/null; then
        echo "check-abi: $tool not found (abidw and abidiff: Debian's abigail-tools)" >&2
        exit 2
    fi
done

# Only the library: no tests, tools or pages, and with the debug information
# abidw reads (debugoptimized is -O2 -g).
# (everything it writes stays inside $build, logs included)
rm -rf "$build"
mkdir -p "$build/abi-check"
logs=$build/abi-check
if ! CC=gcc meson setup "$build" "$top" --buildtype=debugoptimized -Dtests=disabled \
        -Dexamples=false -Dtools=false -Dbench=false -Dman-pages=disabled \
        >"$logs/setup.log" 2>&1; then
    tail -30 "$logs/setup.log"
    echo "check-abi: meson setup failed" >&2
    exit 2
fi
if ! meson compile -C "$build" exitstat:shared_library >"$logs/build.log" 2>&1; then
    grep -E 'error|warning' "$logs/build.log" | head -30
    echo "check-abi: the build failed" >&2
    exit 2
fi
lib=$(meson introspect "$build" --targets | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    if t["name"] == "exitstat" and t["type"] == "shared library":
        print(t["filename"][0])
')
if [ ! -f "$lib" ]; then
    echo "check-abi: no shared library in $build" >&2
    exit 2
fi

if [ $update = 1 ]; then
    # no paths, source locations or parameter names, so that the dump changes
    # when the ABI does and not when code moves
    if ! abidw --headers-dir "$top/include" --drop-private-types --exported-interfaces-only \
            --no-show-locs --no-parameter-names --no-corpus-path --no-comp-dir-path \
            --out-file "$dump.tmp" "$lib"; then
        rm -f "$dump.tmp"
        echo "check-abi: abidw failed" >&2
        exit 2
    fi
    # the translation units' paths are relative to the build directory:
    # keep their file names only, wherever the library was built
    sed -E "s|^( *<abi-instr [^>]*path=')[^']*/([^'/]*')|\1\2|" "$dump.tmp" >"$dump"
    rm -f "$dump.tmp"
    echo "check-abi: wrote $dump ($(wc -c <"$dump") bytes) from $(basename "$lib")"
    exit 0
fi

if [ ! -f "$dump" ]; then
    echo "check-abi: $dump is missing; create it with $0 --update" >&2
    exit 2
fi

# First make sure abidiff reads these changes as this script expects, on
# edited copies of the dump: an added function passes, a removed one is
# incompatible, a grown struct is a change.
self_check() {
    python3 - "$dump" "$logs" <<'PY' || return 1
import re, sys
text = open(sys.argv[1]).read()
fn = "exitstat_wait_any"
removed = re.sub(r"\s*<elf-symbol name='%s'[^>]*/>" % fn, "", text)
removed = re.sub(r"\s*<function-decl name='%s'.*?</function-decl>" % fn, "", removed,
                 flags=re.S)
grown, n = re.subn(r"(<class-decl name='exitstat_status' size-in-bits=')(\d+)'",
                   lambda m: "%s%d'" % (m.group(1), int(m.group(2)) + 32), text, count=1)
if removed == text or n != 1:
    sys.exit("check-abi: the dump lacks %s or struct exitstat_status" % fn)
open(sys.argv[2] + "/removed.abi", "w").write(removed)
open(sys.argv[2] + "/grown.abi", "w").write(grown)
PY
    expect 0 "$logs/removed.abi" "$dump" && expect 12 "$dump" "$logs/removed.abi" &&
        expect 4 "$dump" "$logs/grown.abi"
}
expect() { # status old new
    local got
    abidiff --no-added-syms "$2" "$3" >/dev/null 2>&1
    got=$?
    if [ $got -ne "$1" ]; then
        echo "check-abi: abidiff $2 $3 gave $got, expected $1" >&2
        return 1
    fi
}
if ! self_check; then
    echo "check-abi: abidiff does not report changes as this script expects" >&2
    exit 2
fi

abidiff --no-added-syms "$dump" "$lib" >"$logs/diff.txt" 2>&1
rc=$?
# what was added, for the record
abidiff --added-fns "$dump" "$lib" >"$logs/added.txt" 2>&1
if grep -q '\[A\]' "$logs/added.txt"; then
    echo "check-abi: compatible additions since the dump (add them with --update at release):"
    grep '\[A\]' "$logs/added.txt"
fi

if [ $rc -eq 0 ]; then
    echo "check-abi: the ABI of $(basename "$lib") is compatible with abi/libexitstat.abi"
    exit 0
fi
cat "$logs/diff.txt"
if [ $((rc & 3)) -ne 0 ]; then
    echo "check-abi: abidiff failed (exit status $rc)" >&2
elif [ $((rc & 8)) -ne 0 ]; then
    echo "check-abi: INCOMPATIBLE ABI change (functions removed or changed; abidiff $rc)" >&2
else
    echo "check-abi: ABI change beyond added functions (abidiff $rc): a type or layout" \
         "changed; if that is intended, run $0 --update" >&2
fi
exit 1
