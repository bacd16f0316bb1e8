#!/usr/bin/env bash
# Runs the benchmark and prints where the results went.
#
#   benchmarks/run.sh            everything: parents of 10 MB, 100 MB and 1 GB, on ext4 with a journal (the
#                                default filesystem, or a loop-mounted one when the default is not), on a
#                                loop-mounted XFS with reflinks (when root), and on the default filesystem when
#                                it is neither (an ext4 without a journal); the Spring Boot cell, the parallel
#                                cell and the memory cell on the first of them; the decisive cells (first
#                                filesystem up to 100 MB, Spring) 3 times, interleaved, and every start 3
#                                times; writes docs/benchmarks.md and docs/benchmarks.png
#   benchmarks/run.sh --quick    a smoke run of every kind of cell (1 and 8 MB, 3 tests per cell, default
#                                filesystem only, each cell once, the cost cells and the others side by side)
#
# Options, passed on to the benchmark (Options.java in benchmarks/src/main/java/io/github/lakebase/benchmarks):
#   --sizes MB,MB,...   parent sizes in MB of fill data            --tests N      tests per cell (after a warm-up; Spring: 15x)
#   --min-tests N       tests per cell whatever the time           --budget S     a cell starts no test after S s
#   --prefetch N        lakebase.prefetch of the prefetching rows  --xfs DIR      an XFS mount with reflinks
#   --ext4 DIR          an ext4 mount with a journal
#   --repeat N          how often the decisive cells run, interleaved round by round, and each start (default
#                       3, quick 1)
#   --threads N         JUnit threads of the parallel cell (4)     --forks N      JVMs at once of the parallel cell (2)
#   --branches N,N,...  live branches of the memory cell (1,8,32)
#   --only G,G,...      only these groups of cells: cost, startup, spring, parallel, memory (docs/ untouched)
#   --xfs-skipped WHY   make no XFS filesystem, and say why in the results (--ext4-skipped WHY: no ext4)
#   --jvm-option OPT    start every cell's JVM with OPT too, e.g. -XX:TieredStopAtLevel=1; repeatable (docs/ untouched)
#   --docs DIR, --out DIR, --work-dir DIR, --command TEXT
# Needs a JDK 17 or later only.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

quick=false
docs=(--docs docs)
xfs_given=false
xfs_unneeded=false
ext4_given=false
previous=""
for arg in "$@"; do
    case "$arg" in
        --quick) quick=true; docs=() ;;
        --docs) docs=() ;;
        --only) docs=() ;; # a partial run leaves docs/ alone
        --jvm-option) docs=() ;; # so does one whose JVMs run otherwise than a build's
        --xfs | --xfs-skipped) xfs_given=true ;;
        --ext4 | --ext4-skipped) ext4_given=true ;;
    esac
    # Only the cost and startup cells run on XFS too: a run without them needs no XFS filesystem.
    if [[ "$previous" == --only && ! ",${arg,,}," =~ ,[[:space:]]*(cost|startup)[[:space:]]*, ]]; then
        xfs_unneeded=true
    fi
    previous="$arg"
done

echo "==> Building the library and the benchmarks"
classpath_file="$PWD/benchmarks/target/benchmark-classpath.txt"
# test-compile, not compile: a module the benchmark uses (the Spring one) has a test dependency on the library's
# test-jar, which the reactor resolves to target/test-classes only once they are compiled (a fresh clone has none).
./mvnw -B -q -pl benchmarks -am -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime

# Loop-mounted filesystems: made here, unmounted and deleted when the run ends.
mounts=()
trap 'for m in "${mounts[@]}"; do benchmarks/loop-fs.sh down "$m"; done' EXIT

# loop TYPE WHAT: makes a loop-mounted filesystem of TYPE and sets loop_args to --TYPE MOUNT, or to --TYPE-skipped WHY.
loop() {
    local type="$1" what="$2" mount reason
    echo "==> Making $what (benchmarks/loop-fs.sh)"
    if mount="$(benchmarks/loop-fs.sh up "$type" 2> "benchmarks/target/loop-$type.err")"; then
        mounts+=("$mount")
        echo "    mounted at $mount"
        loop_args=("--$type" "$mount")
    else
        reason="$(tail -n 1 "benchmarks/target/loop-$type.err")"
        echo "    skipping its rows: $reason"
        loop_args=("--$type-skipped" "$reason")
    fi
}

xfs_args=()
if [[ "$xfs_given" == true ]]; then
    : # the command line says where XFS is, or why there is none
elif [[ "$quick" == true ]]; then
    xfs_args=(--xfs-skipped "not in quick mode; run benchmarks/run.sh without --quick")
elif [[ "$xfs_unneeded" == true ]]; then
    xfs_args=(--xfs-skipped "the groups of cells that --only names run on the first filesystem only")
else
    loop xfs "an XFS filesystem with reflinks"
    xfs_args=("${loop_args[@]}")
fi

# A journaled ext4, where most tests run, unless the default filesystem is one (the benchmark checks that).
ext4_args=()
if [[ "$ext4_given" == true ]]; then
    : # the command line says where it is, or why there is none
elif [[ "$quick" == true ]]; then
    ext4_args=(--ext4-skipped "not in quick mode; run benchmarks/run.sh without --quick")
else
    loop ext4 "an ext4 filesystem with a journal"
    ext4_args=("${loop_args[@]}")
fi

out="benchmarks/target/benchmark-results/$(date +%Y-%m-%dT%H-%M-%S)"
echo "==> Running the benchmark (results in $out)"
java -Xmx1g -cp "benchmarks/target/classes:$(cat "$classpath_file")" io.github.lakebase.benchmarks.Benchmarks \
    --out "$out" --command "benchmarks/run.sh${*:+ $*}" "${docs[@]}" "${xfs_args[@]}" "${ext4_args[@]}" "$@"
