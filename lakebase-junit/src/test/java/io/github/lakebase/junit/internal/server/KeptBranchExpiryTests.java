package io.github.lakebase.junit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.spi.BranchCatalog;
import io.github.lakebase.junit.spi.BranchProvider.BranchRequest;
import io.github.lakebase.junit.spi.BranchProvider.Kind;
import io.github.lakebase.junit.spi.KeptBranch;
import io.github.lakebase.junit.spi.KeptBranch.Reason;
import io.github.lakebase.junit.spi.ProviderException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On a PostgreSQL server of the library's own (embedded, postgres), a branch kept for a failed test records
 * its expiry after {@code lakebase.kept-ttl}, and a later run's sweep drops it once that has passed; a branch
 * kept by {@code NEVER}, or for a developer, has no expiry and is never swept.
 */
class KeptBranchExpiryTests {

    @RegisterExtension
    static final TemporaryServer SERVER = new TemporaryServer(60);

    @Test
    void aFailedTestsBranchExpiresAfterTheKeptTtlAndALaterSweepDropsItThenButNeverANeverOne() throws Exception {
        TemplateBranchProvider earlier = provider("earlier", Map.of("lakebase.kept-ttl", "2h"));
        Instant kept = Instant.now();
        Optional<Instant> expired = keep(earlier, "lbj_earlier_1_expired", Reason.FAILED);
        Optional<Instant> fresh = keep(earlier, "lbj_earlier_2_fresh", Reason.FAILED);
        assertThat(keep(earlier, "lbj_earlier_3_never", Reason.NEVER)).isEmpty();
        assertThat(keep(earlier, "lbj_earlier_4_developer", Reason.DEVELOPER)).isEmpty();
        assertThat(expired)
                .hasValueSatisfying(until ->
                        assertThat(until).isCloseTo(kept.plus(Duration.ofHours(2)), within(1, ChronoUnit.MINUTES)));
        assertThat(earlier.branches())
                .extracting(
                        BranchCatalog.Entry::name, e -> e.kept().orElseThrow().reason(), BranchCatalog.Entry::expires)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("lbj_earlier_1_expired", Reason.FAILED, expired),
                        org.assertj.core.groups.Tuple.tuple("lbj_earlier_2_fresh", Reason.FAILED, fresh),
                        org.assertj.core.groups.Tuple.tuple("lbj_earlier_3_never", Reason.NEVER, Optional.empty()),
                        org.assertj.core.groups.Tuple.tuple(
                                "lbj_earlier_4_developer", Reason.DEVELOPER, Optional.empty()));
        earlier.close(); // the run ends
        String comment = comment("lbj_earlier_1_expired");
        assertThat(comment).contains("until=" + expired.orElseThrow(), "owner=com.example.OrderTests#refund()");
        recomment(
                "lbj_earlier_1_expired",
                comment.replaceAll("until=\\S+", "until=" + Instant.now().minusSeconds(1)));

        TemplateBranchProvider later = provider("later", Map.of());
        try {
            assertThat(later.sweep()).containsExactly("lbj_earlier_1_expired");
            assertThat(later.branches())
                    .extracting(BranchCatalog.Entry::name)
                    .containsExactly("lbj_earlier_2_fresh", "lbj_earlier_3_never", "lbj_earlier_4_developer");
            for (String name : List.of("lbj_earlier_2_fresh", "lbj_earlier_3_never", "lbj_earlier_4_developer")) {
                later.drop(name);
            }
            assertThat(later.branches()).isEmpty();
        } finally {
            later.close();
        }
    }

    @Test
    void aKeptTtlOutOfRangeIsAConfigurationErrorThatNamesTheRange() {
        TemplateBranchProvider provider = provider("shortttl", Map.of("lakebase.kept-ttl", "10s"));
        try {
            provider.create(new BranchRequest("lbj_shortttl_1_test", "template1", null, Kind.BRANCH));
            assertThatThrownBy(() -> provider.keep(
                            "lbj_shortttl_1_test", new KeptBranch(Reason.FAILED, "T#t", "template1", List.of())))
                    .isInstanceOf(ProviderException.class)
                    .hasMessageContaining("lakebase.kept-ttl=10s is out of range")
                    .hasMessageContaining("use a duration from 1m to 3650d");
            provider.delete("lbj_shortttl_1_test");
        } finally {
            provider.close();
        }
    }

    private static Optional<Instant> keep(TemplateBranchProvider provider, String name, Reason reason) {
        provider.create(new BranchRequest(name, "template1", null, Kind.BRANCH));
        return provider.keep(name, new KeptBranch(reason, "com.example.OrderTests#refund()", "template1", List.of()));
    }

    private static TemplateBranchProvider provider(String runId, Map<String, String> parameters) {
        Configuration configuration = new Configuration(
                key -> Optional.ofNullable(parameters.get(key)),
                Map.of(),
                runId,
                KeptBranchExpiryTests.class.getClassLoader());
        return new TemplateBranchProvider(TestServers.existingServer(SERVER.get()), configuration, "template1");
    }

    private static String comment(String database) throws Exception {
        try (Connection c = SERVER.get().connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                        + "WHERE datname = '" + database + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void recomment(String database, String comment) throws Exception {
        try (Connection c = SERVER.get().connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("COMMENT ON DATABASE " + database + " IS '" + comment.replace("'", "''") + "'");
        }
    }
}
