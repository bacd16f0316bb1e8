#!/usr/bin/env bash
# Measures how long a test JVM takes with the embedded provider's default configuration: a cold start
# (nothing unpacked or cached yet, as on a fresh machine or CI runner) and a warm start (a second JVM,
# after the first one exited). Each JVM runs one @LakebaseBranch test, with one Flyway migration, through
# the JUnit Platform launcher, as a build would.
#
#   benchmarks/start-time.sh [pairs]      pairs of cold and warm starts (default 5); prints the medians
#
# Every pair gets fresh, empty directories as XDG_CACHE_HOME and java.io.tmpdir, deleted afterwards, so
# nothing of this machine's own cache is read or written. "to first test" is the time from the JVM's
# launch to the test's first statement; "whole JVM" is the time until the JVM exited (the server stopped);
# "CPU" is the processor time the JVM and every process it started (the server, initdb) used, which
# depends less on what else the machine runs.
# Needs a JDK 17 or later only.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
pairs="${1:-5}"

echo "==> Building the library's tests"
classpath_file="$PWD/lakebase-junit/target/start-time-classpath.txt"
./mvnw -B -q -pl lakebase-junit test-compile dependency:build-classpath \
    -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=test
classpath="$PWD/lakebase-junit/target/test-classes:$PWD/lakebase-junit/target/classes:$(cat "$classpath_file")"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

now_ms() {
    echo $(( $(date +%s%N) / 1000000 ))
}

# Runs one JVM on the directories under $1; prints "<to first test> <whole JVM> <CPU>" in milliseconds.
run() {
    local root="$1" name="$2" start end first cpu
    start="$(now_ms)"
    if ! cpu="$( { TIMEFORMAT='%3U %3S'; time XDG_CACHE_HOME="$root/cache" "$java" -Djava.io.tmpdir="$root/tmp" \
        -Dlakebase.faults.child=true -cp "$classpath" io.github.lakebase.junit.faults.HoldBranchesMain \
        'io.github.lakebase.junit.faults.KilledRunTests$NextRunTestCase' "$root/$name.report" \
        > "$root/$name.log" 2>&1; } 2>&1 )"; then
        echo "the $name run failed:" >&2
        tail -n 40 "$root/$name.log" >&2
        exit 1
    fi
    end="$(now_ms)"
    # The test writes its report as its first statement: the file's time is when the test started.
    first="$(( $(date -r "$root/$name.report" +%s%N) / 1000000 ))"
    echo "$(( first - start )) $(( end - start )) $(echo "$cpu" | awk '{ printf "%d", ($1 + $2) * 1000 }')"
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

cold=()
warm=()
for i in $(seq "$pairs"); do
    root="$(mktemp -d)"
    chmod 755 "$root" # the server's OS user must reach it when this runs as root
    mkdir -m 755 "$root/cache" "$root/tmp"
    c="$(run "$root" cold)"
    w="$(run "$root" warm)"
    rm -rf "$root"
    echo "pair $i: cold $c ms, warm $w ms (to first test, whole JVM, CPU)"
    cold+=("$c")
    warm+=("$w")
done

printf '\n%-6s %16s %12s %8s   (medians of %d, ms)\n' "" "to first test" "whole JVM" "CPU" "$pairs"
for kind in cold warm; do
    declare -n samples="$kind"
    printf '%-6s %16s %12s %8s\n' "$kind" \
        "$(printf '%s\n' "${samples[@]}" | cut -d' ' -f1 | median)" \
        "$(printf '%s\n' "${samples[@]}" | cut -d' ' -f2 | median)" \
        "$(printf '%s\n' "${samples[@]}" | cut -d' ' -f3 | median)"
done
