package io.github.lakebase.benchmarks;

import io.github.lakebase.benchmarks.harness.Cell;
import java.io.IOException;
import java.util.Locale;

/**
 * Prints one of the benchmark's start-up cells as properties, for {@code harness.CellMain}: the cold start that
 * {@code benchmarks/run.sh} measures with its default options, or the warm start or the start joining a lingering
 * server that follow it on the same data directory. {@code benchmarks/start-sequence.sh} runs the three with it, so
 * that they are the cells a run measures.
 *
 * <pre>{@code
 * java -cp ... io.github.lakebase.benchmarks.StartupCell WARM_START /mnt/ext4/start 100 ext4 > cell.properties
 * }</pre>
 */
public final class StartupCell {

    private static final String USAGE = "usage: StartupCell COLD_START|WARM_START|JOINED_START DIRECTORY SIZE_MB "
            + "FILESYSTEM\n  DIRECTORY   the cell's data directory goes here\n  SIZE_MB     the parent's fill data, in "
            + "MB\n  FILESYSTEM  the label of the filesystem DIRECTORY is on, as the results name it";

    private StartupCell() {}

    /**
     * Entry point: prints the cell to standard output.
     *
     * @param args the kind of start, the directory, the parent's size in MB (1 and up) and the filesystem's label
     * @throws IOException when standard output cannot be written
     */
    public static void main(String[] args) throws IOException {
        Cell cell;
        try {
            cell = of(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        cell.toProperties().store(System.out, null);
        System.out.flush();
    }

    /**
     * The start-up cell that {@code args} name ({@link #main}'s arguments).
     *
     * @throws IllegalArgumentException when they are not four, the kind is no start, or the size is no positive number
     */
    static Cell of(String... args) {
        if (args.length != 4) {
            throw new IllegalArgumentException("Expected 4 arguments, got " + args.length);
        }
        Cell.Kind kind = Cell.Kind.valueOf(args[0].toUpperCase(Locale.ROOT));
        if (kind != Cell.Kind.COLD_START && kind != Cell.Kind.WARM_START && kind != Cell.Kind.JOINED_START) {
            throw new IllegalArgumentException(kind + " is no start-up cell");
        }
        int size = Integer.parseInt(args[2]);
        if (size < 1) {
            throw new IllegalArgumentException("The size must be 1 MB or more, not " + size);
        }
        return Cells.coldStart(Options.parse(), args[3], args[1], size).withKind(kind);
    }
}
