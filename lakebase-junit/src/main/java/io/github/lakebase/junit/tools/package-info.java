/**
 * Tools for evolutionary database practices on branches: {@link io.github.lakebase.junit.tools.Corruption}
 * damages a column of a test branch on purpose, reproducibly, to test what a migration does with bad data;
 * {@link io.github.lakebase.junit.tools.SchemaDiff} compares the schemas of two branches, for example a parent
 * and the same parent after a migration, and renders the difference for a pull request.
 *
 * <pre>{@code
 * @Test
 * void migrationSurvivesBadCodes(@LakebaseBranch(from = "production") Branch branch) throws SQLException {
 *     CorruptionReport damaged = Corruption.of(branch).column("inventory", "inventory_code").fraction(0.01).apply();
 *     migrate(branch);
 *     assertThat(rejectedIds(branch)).isEqualTo(damaged.keys(Long.class, Damage.TRUNCATED));
 * }
 * }</pre>
 */
package io.github.lakebase.junit.tools;
