/**
 * What a provider for a cloud service needs besides the core SPI, so that one written outside the library
 * does what the in-tree {@code databricks} and {@code neon} providers do: a bound on the branches a run holds
 * at once ({@link io.github.lakebase.junit.spi.cloud.BranchSlots}), the longest expiry a service accepts for a
 * kept branch ({@link io.github.lakebase.junit.spi.cloud.Expiries}), the driver's {@code sslmode} values
 * ({@link io.github.lakebase.junit.spi.cloud.SslMode}), and a catalog kept in a class of its own
 * ({@link io.github.lakebase.junit.spi.cloud.CatalogOf}).
 *
 * <pre>{@code
 * final class MyCloudProvider implements BranchProvider, CatalogOf {
 *     private final BranchSlots slots = new BranchSlots("MyCloud", "lakebase.mycloud.max-branches",
 *             "lakebase.mycloud.slot-timeout", 10, Duration.ofMinutes(15));
 *
 *     public BranchConnection create(BranchRequest request) {
 *         slots.acquire(request.name(), request.kind());
 *         // create the branch on the service; when that fails, slots.release(request.kind())
 *     }
 * }
 * }</pre>
 *
 * <p>Like the rest of the SPI, these types depend on the JDK and the core SPI only, never on the engine.
 * Experimental: they may change in a minor release while the library is young.
 */
@API(status = EXPERIMENTAL, since = "0.1")
package io.github.lakebase.junit.spi.cloud;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
