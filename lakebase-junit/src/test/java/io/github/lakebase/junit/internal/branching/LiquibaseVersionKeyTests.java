package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import liquibase.util.LiquibaseUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A changelog's key holds the Liquibase version, which must read the same in every thread. Liquibase's own {@code
 * LiquibaseUtil.getBuildVersion()} publishes the properties it reads the version from before it has loaded them, so
 * that a thread that asks while another loads them is told {@code UNKNOWN}: two test classes whose migrations were
 * read at once, in a new JVM, were seen to get two keys for one changelog (in two of five runs of a program that read
 * two trees in six threads from its start). This test puts Liquibase in the state such a thread sees.
 */
@Isolated("empties Liquibase's version properties for a moment, which other tests' keys read")
class LiquibaseVersionKeyTests {

    @Test
    void theKeyHoldsLiquibasesVersionWhileAnotherThreadLoadsIt() throws Exception {
        List<String> changelog = List.of("liquibase:changelogs/shop/db.changelog-master.xml");
        LiquibaseSettings settings = new LiquibaseSettings("", "", new TreeMap<>());
        String loaded = key(changelog, settings);

        Field properties = LiquibaseUtil.class.getDeclaredField("liquibaseBuildProperties");
        properties.setAccessible(true);
        Object before = properties.get(null);
        String whileLoading;
        try {
            properties.set(null, new Properties()); // published, not loaded yet
            whileLoading = key(changelog, settings);
        } finally {
            properties.set(null, before);
        }

        assertThat(whileLoading).isEqualTo(loaded);
    }

    private String key(List<String> changelog, LiquibaseSettings settings) {
        return Changelogs.fingerprint(
                        Fingerprint.of("base"), changelog, settings, getClass().getClassLoader())
                .orElseThrow()
                .hex();
    }
}
