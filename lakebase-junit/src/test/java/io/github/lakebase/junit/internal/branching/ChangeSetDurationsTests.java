package io.github.lakebase.junit.internal.branching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The durations of a base's changesets as the comment of its {@code DATABASECHANGELOG} holds them ({@link
 * ChangeSetRuns}): a JSON object of milliseconds by {@code file::id::author}, which bases kept by earlier versions of
 * the library hold too.
 */
class ChangeSetDurationsTests {

    @Test
    void durationsReadBackAsWrittenInTheirOrder() throws IOException {
        Map<String, Long> durations = new LinkedHashMap<>();
        durations.put("db/changelog/tables/customer.xml::1::ada", 12L);
        durations.put("db/changelog/seed.sql::raw::o'brien \"the\" dba", 0L);
        durations.put("db/changelog/ünïcode.yaml::2::ada", 86_400_000L);
        durations.put("db/changelog/a.xml::10::ada", 3L);

        Map<String, Long> read = ChangeSetRuns.durations(ChangeSetRuns.json(durations));

        assertThat(read).containsExactlyEntriesOf(durations);
    }

    /** Earlier versions wrote the comment with Jackson's {@code ObjectMapper}: the same text both ways, read back. */
    @Test
    void whatEarlierVersionsWroteReads() throws IOException {
        Map<String, Long> durations = new LinkedHashMap<>();
        durations.put("db/changelog/a.xml::1::ada", 12L);
        durations.put("db/changelog/b \"quoted\" \\ path.xml::2::bob", Long.MAX_VALUE);
        durations.put("db/changelog/ç.yaml::\u2028::eve", -1L);
        String earlier = new ObjectMapper().writeValueAsString(durations);

        assertThat(ChangeSetRuns.json(durations)).isEqualTo(earlier);
        assertThat(ChangeSetRuns.durations(earlier)).containsExactlyEntriesOf(durations);
    }

    @Test
    void aCommentThatIsNotSuchAnObjectIsNotRead() {
        for (String text : new String[] {
            "",
            "[12]",
            "{\"a::1::x\":\"12\"}",
            "{\"a::1::x\":1.5}",
            "{\"a::1::x\":12} {}",
            "{\"a::1::x\":12",
            "{\"a::1::x\":{\"b\":1}}"
        }) {
            assertThatThrownBy(() -> ChangeSetRuns.durations(text)).as(text).isInstanceOf(IOException.class);
        }
    }
}
