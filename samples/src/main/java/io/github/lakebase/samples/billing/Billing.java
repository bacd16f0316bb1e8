package io.github.lakebase.samples.billing;

/**
 * The Liquibase changelogs of the billing schema, so that a test says which releases its branch has:
 *
 * <pre>{@code
 * @LakebaseBranch(migrations = Billing.RELEASE_1)                          // the schema as shipped
 * @LakebaseBranch(migrations = {Billing.RELEASE_1, Billing.RELEASE_2})     // with the next release applied
 * }</pre>
 *
 * <p>Each changelog is applied with Liquibase's own {@code update}, once per distinct set, into a base that the
 * test branches are forked from. The contexts come from {@code lakebase.liquibase.contexts} in the samples'
 * {@code junit-platform.properties}: {@code test}, so that the test customers are there.
 */
public final class Billing {

    /** Release 1: customers, invoices, the open-invoices view, currencies, and test customers (context {@code test}). */
    public static final String RELEASE_1 = "liquibase:db/billing/db.changelog-master.xml";

    /** Release 2: a mandatory due date on invoices. */
    public static final String RELEASE_2 = "liquibase:db/billing-next/db.changelog-next.xml";

    private Billing() {}
}
