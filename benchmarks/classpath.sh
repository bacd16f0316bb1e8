# Sourced by benchmarks/cell.sh and benchmarks/start-sequence.sh, from the repository's root: sets `classpath` to
# the benchmark's classes and their runtime dependencies, built as run.sh builds them when a source or pom changed
# since (or never built). The library comes from lakebase-junit/target/classes, or from LAKEBASE_JUNIT_CLASSES when
# set (the classes of another build, to compare with).
classpath_file="$PWD/benchmarks/target/benchmark-classpath.txt"
if [[ ! -s "$classpath_file" || -n "$(find pom.xml ./*/pom.xml benchmarks/src ./lakebase-junit*/src/main \
    -newer "$classpath_file" -print -quit)" ]]; then
    ./mvnw -B -q -pl benchmarks -am -DskipTests test-compile dependency:build-classpath \
        -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime
fi
classpath="benchmarks/target/classes:$(cat "$classpath_file")"
if [[ -n "${LAKEBASE_JUNIT_CLASSES:-}" ]]; then
    classpath="${classpath//$PWD\/lakebase-junit\/target\/classes/$LAKEBASE_JUNIT_CLASSES}"
fi
