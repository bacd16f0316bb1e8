#!/usr/bin/env bash
# Runs the benchmark and prints where the results went.
#
#   benchmarks/run.sh            everything: parents of 10 MB, 100 MB and 1 GB, on the default filesystem
#                                and on a loop-mounted XFS with reflinks (when root); writes
#                                docs/benchmarks.md and docs/benchmarks.png
#   benchmarks/run.sh --quick    a smoke run (1 and 8 MB, 3 tests per cell, default filesystem only)
#
# Further options (--sizes, --tests, --budget, --prefetch, --xfs DIR, --docs DIR...) go to the benchmark;
# see benchmarks/src/main/java/io/github/lakebase/benchmarks/Options.java. Needs a JDK 17 or later only.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

quick=false
docs=(--docs docs)
xfs_given=false
for arg in "$@"; do
    case "$arg" in
        --quick) quick=true; docs=() ;;
        --docs) docs=() ;;
        --xfs) xfs_given=true ;;
    esac
done

echo "==> Building the library and the benchmarks"
classpath_file="$PWD/benchmarks/target/benchmark-classpath.txt"
./mvnw -B -q -pl benchmarks -am -DskipTests compile dependency:build-classpath \
    -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime

xfs_args=()
if [[ "$quick" == true ]]; then
    [[ "$xfs_given" == true ]] || xfs_args=(--xfs-skipped "not in quick mode; run benchmarks/run.sh without --quick")
elif [[ "$xfs_given" == false ]]; then
    echo "==> Making an XFS filesystem with reflinks (benchmarks/xfs-loop.sh)"
    if xfs_mount="$(benchmarks/xfs-loop.sh up 2> benchmarks/target/xfs-loop.err)"; then
        trap 'benchmarks/xfs-loop.sh down "$xfs_mount"' EXIT
        echo "    mounted at $xfs_mount"
        xfs_args=(--xfs "$xfs_mount")
    else
        reason="$(tail -n 1 benchmarks/target/xfs-loop.err)"
        echo "    skipping the XFS rows: $reason"
        xfs_args=(--xfs-skipped "$reason")
    fi
fi

out="benchmarks/target/benchmark-results/$(date +%Y-%m-%dT%H-%M-%S)"
echo "==> Running the benchmark (results in $out)"
java -Xmx1g -cp "benchmarks/target/classes:$(cat "$classpath_file")" io.github.lakebase.benchmarks.Benchmarks \
    --out "$out" --command "benchmarks/run.sh${*:+ $*}" "${docs[@]}" "${xfs_args[@]}" "$@"
