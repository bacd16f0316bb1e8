package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.internal.util.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clusters that initdb made, kept in the cache ({@code <cache>/initdb/pg<major>-<hash>}) once per binaries
 * installation, OS user and initdb options ({@link Cluster#INITDB_OPTIONS}), and copied into each new data
 * directory instead of running initdb again: initdb bootstraps the catalogs and runs hundreds of statements in
 * single-user mode, about a second on a small machine; a copy of its 40 MB takes a fraction of that. A copy is
 * what initdb would have made: its superuser gets a random password of its own ({@link Cluster#newPassword}, in
 * single-user mode, about a tenth of a second) before the copy counts as done.
 *
 * <p>A template is made under a temporary name ({@code <name>.partial-<n>}) and renamed into place once whole, so
 * that a JVM killed meanwhile leaves nothing that looks usable ({@link CacheCollector} deletes it an hour later);
 * JVMs that make one at once each make their own, and the first rename wins. A copy takes each file with its
 * mode and times, and its owner where the JVM runs as root (the server's OS user then owns the template, named
 * after that user's ids), and {@code PG_VERSION}, which says that a directory holds a cluster, last; it starts by
 * creating {@value #COPYING} and ends by deleting it, so that a copy stopped half-way (its JVM killed) is made
 * again at the next start ({@link #undoInterruptedCopy}). A copy that fails (a collection deleted the template
 * meanwhile, the disk is full) is undone, and the data directory gets an initdb of its own; so does one whose
 * template cannot be made, with a warning.
 *
 * <pre>{@code
 * if (!InitdbTemplates.copyInto(tools, cache.resolve("initdb"), dataDirectory)) {
 *     Cluster.initdb(tools, dataDirectory);
 * }
 * }</pre>
 */
final class InitdbTemplates {

    /** The name of the cache's directory of templates. */
    static final String DIRECTORY = "initdb";
    /** What a template being made is named after, before a number. */
    static final String PARTIAL = ".partial-";
    /**
     * The file a copy into a data directory starts with and ends by deleting: a data directory that has it holds
     * a copy that was stopped half-way (its JVM killed), which the next start empties and makes again.
     */
    static final String COPYING = "lakebase-junit.copying";

    private static final Logger LOG = LoggerFactory.getLogger(InitdbTemplates.class);
    private static final String VERSION_FILE = "PG_VERSION";

    private InitdbTemplates() {}

    /**
     * Fills the empty {@code dataDirectory}, which the server's OS user owns, with a copy of the template for
     * {@code tools}, made first if there is none.
     *
     * @param templates where templates are kept, created if need be
     * @return false when no template could be had or copied: {@code dataDirectory} is empty again, for initdb
     * @throws io.github.lakebase.junit.spi.ProviderException when initdb fails, with its output
     */
    static boolean copyInto(PgTools tools, Path templates, Path dataDirectory) throws IOException {
        Path template;
        try {
            template = obtain(tools, templates);
        } catch (IOException | RuntimeException e) { // initdb's own failure comes again, in the data directory
            LOG.warn(
                    "Could not make the cluster new data directories copy in {} ({}); running initdb in {}",
                    templates,
                    e.getMessage(),
                    dataDirectory);
            return false;
        }
        long start = System.nanoTime();
        try {
            copy(tools, template, dataDirectory);
        } catch (IOException | RuntimeException e) { // a collection deleted the template meanwhile, say
            if (e instanceof IOException || e instanceof UncheckedIOException) {
                LOG.debug("Could not copy {} into {} ({}); running initdb there instead", template, dataDirectory, e);
            } else {
                LOG.warn("Could not copy {} into {} ({}); running initdb there instead", template, dataDirectory, e);
            }
            empty(dataDirectory);
            return false;
        }
        CacheCollector.markUsed(template);
        LOG.debug(
                "Copied the initdb template {} into {} ({} ms)",
                template,
                dataDirectory,
                (System.nanoTime() - start) / 1_000_000);
        return true;
    }

    /** The template for {@code tools}: the one in {@code templates}, or one made now. */
    static Path obtain(PgTools tools, Path templates) throws IOException {
        Path template = templates.resolve(name(tools));
        if (whole(template)) {
            return template;
        }
        Directories.create(templates);
        Path partial = Files.createTempDirectory(templates, template.getFileName() + PARTIAL); // a random number
        try {
            tools.osUser().own(partial);
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwx------"));
            long start = System.nanoTime();
            Cluster.initdb(tools, partial);
            if (!whole(template)) {
                try {
                    Files.move(partial, template, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    if (!whole(template)) { // not another JVM's, renamed first: one that is not whole is in the way
                        Directories.deleteTree(template);
                        try {
                            Files.move(partial, template, StandardCopyOption.ATOMIC_MOVE);
                        } catch (IOException again) {
                            if (!whole(template)) { // another JVM's may have come in between
                                throw again;
                            }
                        }
                    }
                }
                LOG.debug("Made the initdb template {} ({} ms)", template, (System.nanoTime() - start) / 1_000_000);
            }
            return template;
        } finally {
            PostgresBinaries.deleteRecursively(partial); // gone once renamed
        }
    }

    /**
     * The name of the template for {@code tools}: {@code pg<major>-<hash>} of the installation, the OS user (its
     * ids too, which its files are owned by) and initdb's options, in the cache's naming of data directories,
     * which {@link CacheCollector} knows.
     */
    static String name(PgTools tools) throws IOException {
        String made = tools.installation().toRealPath() + "\n" + tools.osUser().name() + " "
                + tools.osUser().ids() + "\n" + String.join(" ", Cluster.INITDB_OPTIONS);
        return "pg" + tools.majorVersion() + "-" + Digests.sha256Hex(made, 4);
    }

    /** Whether {@code template} is a template that was renamed into place, whole. */
    private static boolean whole(Path template) throws IOException {
        return Files.isRegularFile(template.resolve(VERSION_FILE))
                && Cluster.password(template).isPresent();
    }

    /**
     * Copies the files under {@code template} into {@code target} with their attributes, and PG_VERSION, which
     * says that a directory holds a cluster, last, under another name first; then gives the copy's superuser a
     * password of its own. All between the creation and the deletion of {@value #COPYING}.
     */
    private static void copy(PgTools tools, Path template, Path target) throws IOException {
        Path version = template.resolve(VERSION_FILE);
        Path copying = Files.createFile(target.resolve(COPYING));
        Files.walkFileTree(template, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                if (!dir.equals(template)) {
                    Files.copy(dir, target.resolve(template.relativize(dir)), StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (!file.equals(version)) {
                    Files.copy(
                            file,
                            target.resolve(template.relativize(file)),
                            StandardCopyOption.COPY_ATTRIBUTES,
                            LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        Path next = target.resolve(VERSION_FILE + ".copying");
        Files.copy(version, next, StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(next, target.resolve(VERSION_FILE), StandardCopyOption.ATOMIC_MOVE);
        Cluster.newPassword(tools, target);
        Files.delete(copying);
    }

    /**
     * Empties {@code dataDirectory} when it holds a copy that was stopped half-way, so that it is made again.
     *
     * @return whether it did
     */
    static boolean undoInterruptedCopy(Path dataDirectory) throws IOException {
        if (!Files.exists(dataDirectory.resolve(COPYING))) {
            return false;
        }
        LOG.info(
                "The data directory {} holds a copy of a cluster that was stopped half-way; it is made again",
                dataDirectory);
        empty(dataDirectory);
        return true;
    }

    /** Deletes what lies in {@code directory}, and keeps the directory. */
    static void empty(Path directory) throws IOException {
        try (var entries = Files.list(directory)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                PostgresBinaries.deleteRecursively(entry);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
