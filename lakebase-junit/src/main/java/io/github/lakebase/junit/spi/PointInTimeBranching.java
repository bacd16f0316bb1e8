package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * An optional capability of a {@link BranchProvider}: it forks a branch from its source as the source
 * was at an earlier instant ({@link BranchProvider.BranchRequest#asOf()}), as Lakebase and Neon do
 * from their history. Without it, {@code @LakebaseBranch(asOf = ...)} fails with a configuration
 * error that names the provider.
 *
 * <pre>{@code
 * final class MyCloudProvider implements BranchProvider, PointInTimeBranching { ... }
 * }</pre>
 *
 * <p>A marker: {@link BranchProvider#create} honours {@code asOf} when the provider implements it.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface PointInTimeBranching {}
