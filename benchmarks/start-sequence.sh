#!/usr/bin/env bash
# Runs the benchmark's start-up cells in sequence on one data directory, as benchmarks/run.sh does: a cold start
# (an empty data directory), a warm start on what it left, and a start that joins the server the warm start left
# running (lakebase.embedded.linger); prints each one's time to the first test's body, from the extension's first
# callback and from the JVM's start, and the processor time the JVM used. To measure a change to the start against
# another build, side by side, without a whole run:
#
#   benchmarks/start-sequence.sh DIR [SIZE_MB] [JVM option...]
#
# DIR      where the data directory goes (its filesystem is what the cells measure, for example a mount of
#          benchmarks/loop-fs.sh); made empty first, deleted once the joined server has stopped
# SIZE_MB  the parent's fill data, in MB (default 100, as in the start-up table)
# JVM options apply to the warm and joined JVMs (the cold one runs as a build's would), e.g.
# -XX:TieredStopAtLevel=1.
#
# The library comes from lakebase-junit/target/classes, or from LAKEBASE_JUNIT_CLASSES when set (the classes of
# another build). Five interleaved pairs against another build:
#
#   for i in 1 2 3 4 5; do
#       benchmarks/start-sequence.sh /tmp/start 100
#       LAKEBASE_JUNIT_CLASSES=/tmp/other-build/classes benchmarks/start-sequence.sh /tmp/start 100
#   done
set -euo pipefail

dir="$(realpath -m "${1:?usage: benchmarks/start-sequence.sh DIR [SIZE_MB] [JVM option...]}")"
size="${2:-100}"
shift $(($# < 2 ? $# : 2))

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source benchmarks/classpath.sh
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

rm -rf "$dir"
mkdir -p "$dir"
chmod 755 "$dir" # the server's OS user must reach it when this runs as root
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for kind in COLD_START WARM_START JOINED_START; do
    # The cell benchmarks/run.sh measures, with its default options.
    "$java" -cp "$classpath" io.github.lakebase.benchmarks.StartupCell \
        "$kind" "$dir" "$size" "$(stat -f -c %T "$dir")" > "$work/cell.properties"
    options=()
    [[ "$kind" == COLD_START ]] || options=("$@")
    TIMEFORMAT='%3U %3S'
    if ! cpu="$( { time "$java" -Xmx2g "${options[@]}" -cp "$classpath" \
        io.github.lakebase.benchmarks.harness.CellMain "$work/cell.properties" "$work/result.json" \
        > "$work/cell.log" 2>&1; } 2>&1 )"; then
        echo "the ${kind,,} cell failed:" >&2
        tail -n 40 "$work/cell.log" >&2
        exit 1
    fi
    if ! grep -q '"error" : null' "$work/result.json"; then
        echo "the ${kind,,} cell failed:" >&2
        cat "$work/result.json" >&2
        exit 1
    fi
    # The result's first-test fields, read without a JSON library.
    first="$(grep -o '"firstTestMillis" *: *[0-9.]*' "$work/result.json" | grep -o '[0-9.]*$')"
    jvm="$(grep -o '"jvmToFirstTestMillis" *: *[0-9.]*' "$work/result.json" | grep -o '[0-9.]*$')"
    printf '%-12s %8.0f ms from the first callback %8.0f ms from the JVM start %8s s CPU\n' \
        "${kind,,}" "$first" "$jvm" "$(echo "$cpu" | awk '{ printf "%.2f", $1 + $2 }')"
done

# The joined start leaves the server running for a while: the directory goes once it has stopped.
while [[ -e "$dir/lakebase-data/postmaster.pid" ]]; do
    sleep 0.5
done
rm -rf "$dir"
