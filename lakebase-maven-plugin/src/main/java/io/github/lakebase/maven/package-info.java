/**
 * The goals of {@code lakebase-maven-plugin} ({@code ./mvnw lakebase:list}, {@code lakebase:connect},
 * {@code lakebase:create}, {@code lakebase:refresh}, {@code lakebase:drop}, {@code lakebase:sweep}): thin
 * shells that run lakebase-junit's command line with the project's test class path.
 */
package io.github.lakebase.maven;
