/**
 * The seam between the engine and the code built on it: test frameworks whose components must reach
 * the tests' branches (the Spring module routes a context's {@code DataSource} beans through it), and
 * tools that act on a test's branch ({@link io.github.lakebase.junit.tools.Corruption}).
 *
 * <pre>{@code
 * DataSource current = TestBranches.current()
 *         .orElseThrow(() -> new IllegalStateException("not in a test with a branch"))
 *         .dataSource();
 * }</pre>
 *
 * <p>Experimental: the types here may change in a minor release while the library is young. They never
 * expose the engine's internals, and the engine's internals never leak through them.
 */
@API(status = EXPERIMENTAL, since = "0.1")
package io.github.lakebase.junit.integration;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
