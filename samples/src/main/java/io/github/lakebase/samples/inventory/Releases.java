package io.github.lakebase.samples.inventory;

/**
 * The Flyway locations of the inventory schema, one per release, so that a test says which releases its
 * branch has:
 *
 * <pre>{@code
 * @LakebaseBranch(from = ProductionInventory.NAME, migrations = {Releases.RELEASE_1, Releases.RELEASE_2_EXPAND})
 * }</pre>
 *
 * <p>Production runs release 1, and its Flyway history says so: a branch of production with release 1 only is
 * production as it is, and every further release is applied on top of it, once, into a base that the test
 * branches are forked from.
 */
public final class Releases {

    /** Release 1, in production: the {@code inventory} table with one {@code inventory_code}. */
    public static final String RELEASE_1 = "classpath:db/release1";

    /**
     * Release 2, expand: {@code location_code}, {@code batch_number} and {@code serial_number} next to
     * {@code inventory_code}, filled from it and kept in sync with it by a trigger.
     */
    public static final String RELEASE_2_EXPAND = "classpath:db/release2";

    /** Release 3, contract: {@code inventory_code} and its trigger dropped. */
    public static final String RELEASE_3_CONTRACT = "classpath:db/release3";

    private Releases() {}
}
