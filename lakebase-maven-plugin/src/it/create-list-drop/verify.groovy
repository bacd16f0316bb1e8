def log = new File(basedir, 'build.log').text

assert log.contains('Created branch lbj_alice from template1')
assert log =~ /spring\.datasource\.url=jdbc:postgresql:\/\/127\.0\.0\.1:\d+\/lbj_alice/
assert log.contains('spring.datasource.username=')
assert log =~ /(?m)^lbj_alice\s+developer\s/
assert log.contains('Dropped lbj_alice.')
assert log.contains('No branches of lakebase-junit on ')
return true
