package io.github.lakebase.junit.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.Fixtures;
import io.github.lakebase.junit.LakebaseBranch;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Corruption} on real branches: how much, which rows, what damage, and reproducibly so. */
@LakebaseBranch(migrations = CorruptionTests.TARGETS)
class CorruptionTests {

    static final String TARGETS = "classpath:migrations/corruption";

    @Test
    void damagesTheFractionOfNonNullValuesAndReportsEveryDamagedRow(Branch branch) throws SQLException {
        CorruptionReport report = Corruption.of(branch)
                .column("item", "code")
                .fraction(0.01)
                .seed(7)
                .apply();

        assertThat(report.candidates()).as("10,000 rows, one in a hundred NULL").isEqualTo(9_900);
        assertThat(report.size()).isEqualTo(99);
        assertThat(report.column()).isEqualTo("public.item.code");
        assertThat(report.seed()).isEqualTo(7);
        assertThat(ids(branch, "SELECT id FROM item WHERE code IS DISTINCT FROM original"))
                .as("the rows changed in the database are exactly the reported ones")
                .isEqualTo(report.keys(Long.class));
        Map<Long, String[]> stored = new HashMap<>();
        query(
                branch,
                "SELECT id, original, code FROM item",
                rs -> stored.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(3)}));
        for (DamagedRow row : report.rows()) {
            assertThat(stored.get((Long) row.id()))
                    .as("row %s", row.id())
                    .containsExactly(row.original(), row.damaged());
        }
        assertThat(report.rows())
                .extracting(DamagedRow::id)
                .isSortedAccordingTo((a, b) -> Long.compare((Long) a, (Long) b));
        assertThat(report.counts().keySet())
                .as("by default every kind of damage, mixed")
                .containsExactlyInAnyOrder(Damage.values());
        assertThat(report.toString())
                .startsWith("Damaged 99 of 9900 values of public.item.code on branch " + branch.name() + " (seed 7): ");
    }

    @Test
    void theSameSeedDamagesTheSameRowsTheSameWayOnAnotherBranch(
            @LakebaseBranch(name = "a") Branch a,
            @LakebaseBranch(name = "b") Branch b,
            @LakebaseBranch(name = "c") Branch c)
            throws SQLException {
        CorruptionReport first =
                Corruption.of(a).column("item", "code").fraction(0.05).seed(42).apply();
        CorruptionReport second =
                Corruption.of(b).column("item", "code").fraction(0.05).seed(42).apply();
        CorruptionReport other =
                Corruption.of(c).column("item", "code").fraction(0.05).seed(43).apply();

        assertThat(second.rows()).isEqualTo(first.rows());
        assertThat(values(b)).isEqualTo(values(a));
        assertThat(other.keys(Long.class)).isNotEqualTo(first.keys(Long.class));
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void everyKindOfDamageDoesWhatItSays(Damage kind, Branch branch) throws SQLException {
        CorruptionReport report = Corruption.of(branch)
                .column("item", "code")
                .fraction(0.1)
                .kinds(kind)
                .apply();

        assertThat(report.size()).isEqualTo(990);
        assertThat(report.counts()).containsOnlyKeys(kind);
        for (DamagedRow row : report.rows()) {
            String before = row.original();
            String after = row.damaged();
            switch (kind) {
                case MISSING_DIGITS -> {
                    assertThat(before.length() - after.length())
                            .as(row.toString())
                            .isBetween(1, 2);
                    assertThat(before.replaceAll("[0-9]", "")).isEqualTo(after.replaceAll("[0-9]", ""));
                    assertThat(isSubsequence(after, before)).as(row.toString()).isTrue();
                }
                case EMBEDDED_SPACE -> {
                    int at = after.indexOf(' ');
                    assertThat(at).as(row.toString()).isBetween(1, after.length() - 2);
                    assertThat(after.substring(0, at) + after.substring(at + 1)).isEqualTo(before);
                }
                case TRAILING_WHITESPACE ->
                    assertThat(after).as(row.toString()).matches(java.util.regex.Pattern.quote(before) + " {1,3}");
                case NULL -> assertThat(after).isNull();
                case TRUNCATED ->
                    assertThat(after)
                            .as(row.toString())
                            .isNotEmpty()
                            .hasSizeLessThan(before.length())
                            .satisfies(value -> assertThat(before).startsWith(value));
            }
        }
        assertThat(ids(branch, "SELECT id FROM item WHERE code IS DISTINCT FROM original"))
                .isEqualTo(report.keys(Long.class));
        assertThat(report.keys(Long.class, kind)).isEqualTo(report.keys(Long.class));
    }

    @Test
    void kindsThatDoNotFitAValueArePassedOverWithoutBreakingALengthLimit(Branch branch) throws SQLException {
        // label is varchar(16) and every label is 16 characters long: there is no room for a blank
        CorruptionReport none = Corruption.of(branch)
                .column("item", "label")
                .fraction(0.01)
                .kinds(Damage.TRAILING_WHITESPACE)
                .apply();
        assertThat(none.size()).as("no label can take trailing blanks").isZero();

        CorruptionReport some = Corruption.of(branch)
                .column("item", "label")
                .fraction(0.01)
                .kinds(Damage.EMBEDDED_SPACE, Damage.TRAILING_WHITESPACE, Damage.TRUNCATED)
                .apply();
        assertThat(some.size()).isEqualTo(100);
        assertThat(some.counts()).containsOnlyKeys(Damage.TRUNCATED);
    }

    @Test
    void aNotNullColumnIsNotNulledByDefault(Branch branch) throws SQLException {
        CorruptionReport report =
                Corruption.of(branch).column("item", "label").fraction(0.5).apply();

        assertThat(report.counts()).doesNotContainKey(Damage.NULL);
        assertThat(report.size()).isEqualTo(5_000);
    }

    @Test
    void compositeKeysAndQuotedNamesAreReported(Branch branch) throws SQLException {
        CorruptionReport pairs = Corruption.of(branch)
                .column("pair", "code")
                .fraction(0.1)
                .seed(1)
                .apply();
        assertThat(pairs.rows())
                .hasSize(20)
                .allSatisfy(row -> assertThat(row.key()).hasSize(2));
        assertThat(pairs.rows().get(0).key().get(0)).isInstanceOf(String.class);
        assertThatThrownBy(() -> pairs.rows().get(0).id())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("use key()");
        assertThatThrownBy(() -> pairs.keys(Object.class)).isInstanceOf(IllegalStateException.class);

        CorruptionReport old = Corruption.of(branch)
                .column("archive.\"Old Item\"", "code")
                .fraction(0.1)
                .apply();
        assertThat(old.column()).isEqualTo("archive.Old Item.code");
        assertThat(old.keys(Integer.class)).hasSize(10);
    }

    @Test
    void aFailedWriteLeavesNothingDamaged(Branch branch) throws SQLException {
        // strict_code has CHECK (length(code) = 16): the first damaged value breaks it
        assertThatThrownBy(() -> Corruption.of(branch)
                        .column("strict_code", "code")
                        .fraction(0.5)
                        .kinds(Damage.TRUNCATED)
                        .apply())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("check");

        assertThat(ids(branch, "SELECT id FROM strict_code WHERE length(code) <> 16"))
                .isEmpty();
    }

    static Set<Long> ids(Branch branch, String sql) throws SQLException {
        Set<Long> ids = new TreeSet<>();
        query(branch, sql, rs -> ids.add(rs.getLong(1)));
        return ids;
    }

    private static List<String> values(Branch branch) throws SQLException {
        List<String> values = new ArrayList<>();
        query(branch, "SELECT code FROM item ORDER BY id", rs -> values.add(rs.getString(1)));
        return values;
    }

    interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    static void query(Branch branch, String sql, Row row) throws SQLException {
        DataSource dataSource = branch.dataSource();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                row.read(rs);
            }
        }
    }

    private static boolean isSubsequence(String shorter, String longer) {
        int i = 0;
        for (int j = 0; j < longer.length() && i < shorter.length(); j++) {
            if (shorter.charAt(i) == longer.charAt(j)) {
                i++;
            }
        }
        return i == shorter.length();
    }

    static Connection admin(Branch branch) throws SQLException {
        return DriverManager.getConnection(Fixtures.adminUrl(branch), branch.username(), branch.password());
    }
}
