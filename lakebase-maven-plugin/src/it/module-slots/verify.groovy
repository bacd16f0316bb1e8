// The second run made each module's branch from the base the first run built and kept for that module: with one
// slot for the three (the directory Maven runs in), the third build would have dropped the first module's base.
// In the parallel run the modules' goals take turns: each module's copy of the library ends before another's runs.
def log = new File(basedir, 'build.log').text

def created = (log =~ /Created branch lbj_alice from template1/).count
def reused = (log =~ /Reusing base lbj_base_\w+ kept by an earlier run/).count
def listed = (log =~ /No branches of lakebase-junit on embedded PostgreSQL/).count
assert created == 6 : "expected 6 branches created (3 modules, 2 runs), found ${created}"
assert reused == 3 : "expected the second run to reuse the 3 modules' bases, found ${reused} reused"
assert listed == 3 : "expected the parallel run to list the branches of the 3 modules, found ${listed} lists"
assert !log.contains('not marked as thread-safe') : 'the goals say they are thread-safe'
return true
