package io.github.lakebase.junit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.internal.config.Configuration;
import io.github.lakebase.junit.internal.embedded.EmbeddedServer;
import io.github.lakebase.junit.spi.BranchProvider;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A provider whose close deletes its server's data says that its branches do not outlive the JVM, so that
 * the end of a run does not drop its leftovers one by one on a server about to be deleted; one on a server
 * that outlives it says they do.
 */
class DiscardOnCloseTests {

    @Test
    void theEmbeddedProviderOnATemporaryDataDirectoryDeletesItsBranchesWhenItCloses() {
        Configuration config = new Configuration(
                key -> Optional.ofNullable(Map.of(
                                "lakebase.embedded.data-directory", "temporary",
                                "lakebase.embedded.settings", "application_name=discard_on_close")
                        .get(key)),
                Map.of(),
                "discardtests",
                DiscardOnCloseTests.class.getClassLoader());
        try (BranchProvider provider = new EmbeddedProviderFactory().create(config)) {
            assertThat(provider.keepsBranchesAfterExit()).isFalse();
        }
    }

    @Test
    void aProviderOnAServerThatOutlivesItDeletesNothingWhenItCloses() {
        try (EmbeddedServer server = TestServers.startTemporary(20);
                TemplateBranchProvider provider = TestServers.provider(server, "discardtests")) {
            assertThat(provider.keepsBranchesAfterExit()).isTrue();
        }
    }
}
