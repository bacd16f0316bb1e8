#!/usr/bin/env bash
# Runs one cell of the benchmark again, in a JVM of its own, as benchmarks/run.sh ran it: to measure one change
# on one cell, several times and side by side with another build, without a whole run.
#
#   benchmarks/cell.sh CELL.properties DIR [RESULT.json] [JVM option...]
#
# CELL.properties  a cell that a run wrote to its results directory (cells/<cell id>.cell.properties)
# DIR              where the cell's data directory goes (its filesystem is what the cell measures, for example
#                  a mount of benchmarks/loop-fs.sh); made empty first, deleted afterwards
# RESULT.json      where the result goes (default: a file named after the cell in the working directory); it
#                  holds each test's start, body and end (System.nanoTime), as the run's results directory does
#
# The library comes from lakebase-junit/target/classes, or from LAKEBASE_JUNIT_CLASSES when set (the classes of
# another build, to compare with). A cell of several JVMs at once (forkCount) runs one JVM only.
set -euo pipefail

cell="$(realpath "${1:?usage: benchmarks/cell.sh CELL.properties DIR [RESULT.json] [JVM option...]}")"
dir="$(realpath -m "${2:?usage: benchmarks/cell.sh CELL.properties DIR [RESULT.json] [JVM option...]}")"
result="$(realpath -m "${3:-$(basename "$cell" .cell.properties).json}")"
shift $(($# < 3 ? $# : 3))

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source benchmarks/classpath.sh

rm -rf "$dir"
mkdir -p "$dir"
properties="$(mktemp)"
trap 'rm -rf "$dir" "$properties"' EXIT
grep -v '^directory=' "$cell" > "$properties"
echo "directory=$dir" >> "$properties"
java -Xmx2g "$@" -cp "$classpath" io.github.lakebase.benchmarks.harness.CellMain "$properties" "$result"
echo "$result"
