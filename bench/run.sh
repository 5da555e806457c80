#!/usr/bin/env bash
# bench/run.sh - the full benchmark run, as `meson compile -C B bench` starts it:
#
#   bench/run.sh SOURCE_DIR BUILD_DIR
#
# Prints every table (Markdown) of every benchmark of BUILD_DIR, then the
# fan-out and memory tables of the library's portable wait path: that path is
# chosen when the library is built, so a second build of the same sources
# with -Dpidfd=disabled is made (or brought up to date) in
# BUILD_DIR/bench-portable and its benchmarks run. Each table row carries the
# command that reruns it alone.
#
# Sizes, from the environment:
#   BENCH_N          spawns per row per round, static no-op (500; /bin/true: half)
#   BENCH_ROUNDS     interleaved rounds of the spawn tables (7)
#   BENCH_BIG_MIB    memory the big parent holds (2048)
#   BENCH_NBIG       spawns per row per round with the big parent (100; /bin/true:
#                    half): fork with 2 GiB costs tens of ms a spawn
#   BENCH_FANOUT     the fan-out sizes ("10 100 1000")
#   BENCH_FANOUT_ROUNDS  (3)
#   BENCH_K          live children of the memory table (1000)
#   BENCH_COMM_MIB   MiB per communicate round (256)
# On a loaded machine the spawn tables' wall times mostly measure the wait for
# a CPU; the CPU columns and the same-round ratios hold up far better. For
# clean wall times run the whole under a real-time policy, e.g.
# `chrt -f 10 meson compile -C B bench` (children inherit it).
set -euo pipefail

src=$1
build=$2
b=$build/bench
n=${BENCH_N:-500}
rounds=${BENCH_ROUNDS:-7}
big=${BENCH_BIG_MIB:-2048}
nbig=${BENCH_NBIG:-100}
read -r -a fanout <<<"${BENCH_FANOUT:-10 100 1000}"
frounds=${BENCH_FANOUT_ROUNDS:-3}
k=${BENCH_K:-1000}
comm=${BENCH_COMM_MIB:-256}

py=()
if command -v python3 >/dev/null; then
    py=(-y "$(command -v python3)" -s "$src/bench/spawn.py")
fi

echo "## libexitstat benchmarks: $(uname -srm), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(chrt -p $$ 2>/dev/null | head -1 | sed 's/.*: //') policy"
echo
"$b/bench-spawn" -n "$n" -r "$rounds" -b "$big" -B "$nbig" "${py[@]}" "$b/bench-noop"
"$b/bench-spawn" -n "$(((n + 1) / 2))" -r "$rounds" -b "$big" -B "$(((nbig + 1) / 2))" "${py[@]}" \
    /bin/true
"$b/bench-fanout" -r "$frounds" "$b/bench-sleeper" "${fanout[@]}"
"$b/bench-memory" -k "$k" "$b/bench-sleeper"

# the portable wait path: the same benchmarks against a -Dpidfd=disabled build
pb=$build/bench-portable
buildtype=$(meson configure "$build" | awk '$1 == "buildtype" { print $2; exit }')
if [ ! -f "$pb/build.ninja" ]; then
    meson setup "$pb" "$src" -Dpidfd=disabled -Dtests=disabled -Dexamples=false \
        -Dtools=false -Dman-pages=disabled "--buildtype=${buildtype:-debugoptimized}" >/dev/null
fi
meson compile -C "$pb" bench/bench-fanout bench/bench-memory bench/bench-sleeper >/dev/null
"$pb/bench/bench-fanout" -r "$frounds" "$pb/bench/bench-sleeper" "${fanout[@]}"
"$pb/bench/bench-memory" -k "$k" "$pb/bench/bench-sleeper"

"$b/bench-communicate" "$b/bench-writer" "$comm" 7
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
