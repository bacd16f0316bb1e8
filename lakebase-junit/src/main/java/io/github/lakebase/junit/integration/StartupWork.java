package io.github.lakebase.junit.integration;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The schema work an integration runs on a {@linkplain StagedBase staged base} before it seals it (a Spring
 * context's Flyway or Liquibase, its {@code spring.sql.init} scripts, JPA creating tables from entities): named for
 * the run report, and fingerprinted, so that where the provider keeps bases from one run to the next (the embedded
 * server on a persistent data directory) a later run with the same work forks its staged base from the one an
 * earlier run sealed, and the work finds nothing left to do ({@link StagedBase#reused()}).
 *
 * <pre>{@code
 * StartupWork work = new StartupWork(
 *         "com.example.InventoryApplication",
 *         List.of("Flyway classpath:db/migration"),
 *         Map.of("setting spring.flyway.locations", "classpath:db/migration".getBytes(UTF_8),
 *                 "file db/migration/V1__inventory.sql", Files.readAllBytes(v1)));
 * StagedBase staged = TestBranches.stageFromParent(context, "", "spring_context", work);
 * }</pre>
 *
 * <p>The fingerprint covers {@code context}, {@code steps} and every input, with the parent the base is forked from,
 * the server's version and the library's format. What the inputs leave out (a class a migration calls, a file it
 * reads) a run cannot see: {@code lakebase.rebuild-bases=true} builds kept bases again.
 *
 * @param context what the work belongs to (a Spring context's configuration): a kept base of another context is
 *     never replaced by this one's
 * @param steps what does the work, in the order it runs, for logs and the run report (for example {@code "Flyway
 *     classpath:db/migration"}); becomes {@link BaseEvent#migrations()}
 * @param inputs everything the work's result depends on, by name: files with their content, settings with their
 *     value, classes with their bytes; a change to any builds the base again. Copied, sorted by name
 */
public record StartupWork(String context, List<String> steps, Map<String, byte[]> inputs) {

    /**
     * Copies the lists, and sorts the inputs by name.
     *
     * @param context what the work belongs to
     * @param steps what does the work
     * @param inputs what its result depends on
     * @throws NullPointerException when an argument, a step, a name or a value is {@code null}
     */
    public StartupWork {
        steps = List.copyOf(steps);
        inputs = Collections.unmodifiableMap(new TreeMap<>(inputs));
    }
}
