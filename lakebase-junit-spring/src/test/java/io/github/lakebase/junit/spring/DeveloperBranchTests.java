package io.github.lakebase.junit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.cli.Branches;
import io.github.lakebase.junit.spring.app.InventoryApplication;
import io.github.lakebase.junit.spring.app.InventoryRepository;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A developer branch, as the documentation walks through it: created with the command line, the
 * application started with the settings it printed, refreshed under the running application, and dropped.
 */
class DeveloperBranchTests {

    @Test
    void anApplicationStartedWithThePrintedSettingsWorksOnTheBranchAndSeesItRefreshed() throws InterruptedException {
        String name = "spring_dev_" + Long.toString(System.nanoTime(), 36);
        String created = branches("create", name, "--no-wait");
        Map<String, String> settings = new LinkedHashMap<>();
        created.lines()
                .filter(l -> l.startsWith("spring.datasource."))
                .forEach(l -> settings.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        assertThat(settings)
                .containsOnlyKeys("spring.datasource.url", "spring.datasource.username", "spring.datasource.password");
        // As the documentation starts it: the settings as command-line arguments, over application.properties.
        String[] arguments = settings.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        try (ConfigurableApplicationContext app =
                new SpringApplicationBuilder(InventoryApplication.class).run(arguments)) {
            InventoryRepository inventory = app.getBean(InventoryRepository.class);
            assertThat(inventory.database()).isEqualTo("lbj_" + name);
            assertThat(inventory.codes())
                    .as("migrated as a test's base is")
                    .containsExactly("L007B1203S004511", "L042B0917S000123");
            inventory.deleteAll();
            inventory.add("L999B0001S000001", 1);

            branches("refresh", name, "--no-wait");
            // A person runs the refresh between two requests: HikariCP checks a connection idle for more than
            // 500 ms before it lends it, and replaces one that the refresh ended.
            Thread.sleep(1_000);

            assertThat(inventory.codes())
                    .as("the running application reads the branch forked again from its parent and migrated")
                    .containsExactly("L007B1203S004511", "L042B0917S000123");
        } finally {
            branches("drop", name);
        }
        assertThat(branches("list")).doesNotContain("lbj_" + name);
    }

    /** Runs the command line in this JVM and returns what it printed; fails when it fails. */
    private static String branches(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Branches.run(
                List.of(args),
                Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status)
                .as("%s: %s", List.of(args), err.toString(StandardCharsets.UTF_8))
                .isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
