package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import liquibase.changelog.ChangeLogParameters;
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.DirectoryResourceAccessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What makes two Liquibase bases the same: the whole changelog tree as Liquibase parses it (includes, includeAll,
 * the files of sqlFile), and the settings.
 */
class ChangelogFingerprintTests {

    private static final String HEADER = """
            <?xml version="1.0" encoding="UTF-8"?>
            <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
                        http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
            """;

    @TempDir
    Path dir;

    @Test
    void aChangeAnywhereInTheTreeGivesAnotherKeyAndNoChangeTheSame() throws IOException {
        Path master = tree();
        Optional<String> original = key(master, settings(""));
        assertThat(original).isPresent().isEqualTo(key(master, settings("")));

        Files.writeString(dir.resolve("sql/item.sql"), "CREATE TABLE item (id bigint, name text);");
        Optional<String> sqlFileChanged = key(master, settings(""));
        assertThat(sqlFileChanged).as("a changed sqlFile").isPresent().isNotEqualTo(original);

        Files.writeString(dir.resolve("more/02-price.sql"), """
                --liquibase formatted sql
                --changeset erin:price
                ALTER TABLE item ADD COLUMN price numeric;
                """);
        Optional<String> includeAllGrew = key(master, settings(""));
        assertThat(includeAllGrew).as("a new file under includeAll").isNotEqualTo(sqlFileChanged);

        Files.writeString(dir.resolve("included.xml"), HEADER + """
                    <changeSet id="1" author="alice" context="test">
                        <sqlFile path="sql/item.sql" relativeToChangelogFile="true"/>
                    </changeSet>
                </databaseChangeLog>
                """);
        Optional<String> includedChanged = key(master, settings(""));
        assertThat(includedChanged).as("a changed included changelog").isNotEqualTo(includeAllGrew);

        assertThat(key(master, settings("prod"))).as("other contexts").isNotEqualTo(includedChanged);
    }

    @Test
    void aChangelogOnTheClassPathHasAKey() {
        assertThat(Changelogs.fingerprint(
                                Fingerprint.of("base"),
                                List.of("liquibase:changelogs/shop/db.changelog-master.xml"),
                                settings(""),
                                getClass().getClassLoader())
                        .map(Fingerprint::hex))
                .isPresent();
    }

    /**
     * Reading a changelog for its key leaves Liquibase's parser as it was: its XML parser is one instance per JVM that
     * takes its settings as it is made, so a read with other settings (its schema check left out) would decide them for
     * the update, and for a Spring context's Liquibase, in the whole JVM.
     */
    @Test
    void afterAKeyLiquibaseStillChecksChangelogsAgainstItsSchema() throws IOException {
        Path master = dir.resolve("master.xml");
        Files.writeString(master, HEADER + """
                    <changeSet id="1" author="alice" runInTransaction="maybe">
                        <createTable tableName="item">
                            <column name="id" type="bigint"/>
                        </createTable>
                    </changeSet>
                </databaseChangeLog>
                """);
        key(master, settings(""));

        assertThatThrownBy(() -> Changelogs.quietly(getClass().getClassLoader(), () -> {
                    DirectoryResourceAccessor files = new DirectoryResourceAccessor(dir);
                    return ChangeLogParserFactory.getInstance()
                            .getParser("master.xml", files)
                            .parse("master.xml", new ChangeLogParameters(), files);
                }))
                .as("a value Liquibase's XML schema does not allow, parsed as the update parses it")
                .hasStackTraceContaining("maybe");
    }

    private Path tree() throws IOException {
        Files.createDirectories(dir.resolve("sql"));
        Files.createDirectories(dir.resolve("more"));
        Files.writeString(dir.resolve("sql/item.sql"), "CREATE TABLE item (id bigint);");
        Files.writeString(dir.resolve("included.xml"), HEADER + """
                    <changeSet id="1" author="alice">
                        <sqlFile path="sql/item.sql" relativeToChangelogFile="true"/>
                    </changeSet>
                </databaseChangeLog>
                """);
        Files.writeString(dir.resolve("more/01-seed.sql"), """
                --liquibase formatted sql
                --changeset bob:seed
                INSERT INTO item VALUES (1);
                """);
        Path master = dir.resolve("master.xml");
        Files.writeString(master, HEADER + """
                    <include file="included.xml" relativeToChangelogFile="true"/>
                    <includeAll path="more/" relativeToChangelogFile="true"/>
                </databaseChangeLog>
                """);
        return master;
    }

    private static LiquibaseSettings settings(String contexts) {
        return new LiquibaseSettings(contexts, "", new TreeMap<>());
    }

    private Optional<String> key(Path master, LiquibaseSettings settings) {
        return Changelogs.fingerprint(
                        Fingerprint.of("base").addSettings(settings.fingerprinted()),
                        List.of("liquibase:filesystem:" + master),
                        settings,
                        getClass().getClassLoader())
                .map(Fingerprint::hex);
    }
}
