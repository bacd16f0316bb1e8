/**
 * The command line for branches outside tests: {@link io.github.lakebase.junit.cli.Branches}, run with a
 * project's test class path or through the Maven plugin {@code io.github.lakebase:lakebase-maven-plugin}.
 */
package io.github.lakebase.junit.cli;
