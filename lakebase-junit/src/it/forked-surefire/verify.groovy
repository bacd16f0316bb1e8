// Each JVM that starts or joins a server logs "lakebase-junit run <id> uses ...", with an id of its own. Surefire
// forked a JVM per class: the two classes that use the library make two runs. A third would be Maven's own JVM,
// where Surefire discovers the classes before it forks, starting a server with none of the forks' configuration.
def log = new File(basedir, 'build.log').text
def runs = (log =~ /lakebase-junit run (\w+) uses /).collect { it[1] }.unique()
assert runs.size() == 2 : "expected a run in each of the two forks whose class uses the library, found ${runs.size()}: ${runs}"
assert log.contains('Tests run: 3, Failures: 0, Errors: 0, Skipped: 0')
