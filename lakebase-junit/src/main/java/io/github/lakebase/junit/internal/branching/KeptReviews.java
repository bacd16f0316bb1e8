package io.github.lakebase.junit.internal.branching;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lakebase.junit.integration.BaseEvent;
import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.internal.util.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reviews of kept bases ({@link BaseReview}), kept beside the run report ({@code <report directory>/bases/<base>.json})
 * by the run that reviewed each, so that a later run that reuses a kept base reports the same migrations and schema
 * diff without forking the base and its parent again. A kept base's name is a
 * fingerprint of what it is made of, its parent included, and it never changes once built; a base built again
 * ({@code lakebase.rebuild-bases}) is reviewed again. The file also names the parent and the locations it was read
 * for: one that names others is read again. A review that could not be read is not kept.
 *
 * <pre>{@code
 * BaseReview review = KeptReviews.in(config).orElseThrow().review(base, true, false, source, "staging", locations, () -> read());
 * }</pre>
 */
final class KeptReviews {

    private static final Logger LOG = LoggerFactory.getLogger(KeptReviews.class);

    /** Where the reviews go. */
    private final Path directory;

    private KeptReviews(Path directory) {
        this.directory = directory;
    }

    /** The reviews beside the report of {@code config}, or empty when the report is off. */
    static Optional<KeptReviews> in(Configuration config) {
        return config.reportDirectory().map(d -> new KeptReviews(d.resolve("bases")));
    }

    /**
     * The review of {@code base} that {@code read} reads, kept for later runs when the base is a kept one: for a base
     * with no review {@link #stored} already.
     *
     * @param kept whether the base is kept across runs
     */
    BaseReview read(
            String base,
            boolean kept,
            String source,
            String parentName,
            List<String> locations,
            Supplier<BaseReview> read) {
        if (!kept) {
            return read.get();
        }
        Path file = directory.resolve(base + ".json");
        Entry wanted = new Entry(base, source, parentName, locations, List.of(), "");
        BaseReview review = read.get();
        if (review.problem().isEmpty()) {
            store(file, wanted.with(review));
        }
        return review;
    }

    /**
     * The review an earlier run kept of {@code base}, read without forking anything: only for a kept base that this
     * run did not build, and for the same parent and locations.
     */
    Optional<BaseReview> stored(
            String base, boolean kept, boolean built, String source, String parentName, List<String> locations) {
        return kept && !built
                ? stored(
                        directory.resolve(base + ".json"),
                        new Entry(base, source, parentName, locations, List.of(), ""))
                : Optional.empty();
    }

    private static Optional<BaseReview> stored(Path file, Entry wanted) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Entry entry = Json.MAPPER.readValue(file.toFile(), Entry.class);
            return entry.sameBaseAs(wanted) ? Optional.of(entry.review()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Reviewing the base again: {} cannot be read ({})", file, e.getMessage());
            return Optional.empty();
        }
    }

    private static void store(Path file, Entry entry) {
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, Json.MAPPER.writeValueAsString(entry));
        } catch (IOException | RuntimeException e) {
            LOG.debug("The review of {} is not kept for later runs: {}", entry.base(), e.getMessage());
        }
    }

    /**
     * The JSON mapper, made on the first read or write of a file: a base is looked up on its first test's path, and
     * a new JVM takes about 100 ms to make its first mapper.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /** A review as its file holds it. */
    record Entry(
            String base,
            String source,
            String parent,
            List<String> locations,
            List<Migration> migrations,
            String schemaDiff) {

        Entry with(BaseReview review) {
            return new Entry(
                    base,
                    source,
                    parent,
                    locations,
                    review.beyondParent().stream().map(Migration::of).toList(),
                    review.schemaDiff());
        }

        boolean sameBaseAs(Entry other) {
            return base.equals(other.base)
                    && source.equals(other.source)
                    && parent.equals(other.parent)
                    && locations.equals(other.locations);
        }

        BaseReview review() {
            return new BaseReview(migrations.stream().map(Migration::event).toList(), schemaDiff, Optional.empty());
        }
    }

    /** A migration as the file holds it: its duration in milliseconds, when it ran as an ISO-8601 instant. */
    record Migration(
            String version,
            String description,
            String script,
            long durationMillis,
            String installedOn,
            String changeSet) {

        static Migration of(BaseEvent.Migration m) {
            return new Migration(
                    m.version(),
                    m.description(),
                    m.script(),
                    m.duration().toMillis(),
                    m.installedOn() == null ? null : m.installedOn().toString(),
                    m.changeSet());
        }

        BaseEvent.Migration event() {
            return new BaseEvent.Migration(
                    version,
                    description,
                    script,
                    Duration.ofMillis(durationMillis),
                    installedOn == null ? null : Instant.parse(installedOn),
                    changeSet);
        }
    }
}
