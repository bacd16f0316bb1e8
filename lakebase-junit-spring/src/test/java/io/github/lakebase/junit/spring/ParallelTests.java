package io.github.lakebase.junit.spring;

import static io.github.lakebase.junit.spring.SpringFixtures.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.spring.app.InventoryApplication;
import io.github.lakebase.junit.spring.app.InventoryRepository;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Test classes that share one application context and run in parallel each see their own branch;
 * a thread of the application finds the branch of the one test running, and refuses to guess when
 * several do.
 */
@Isolated("runs fixture classes in parallel and counts on their overlap")
class ParallelTests {

    static final List<String> SEEN = new CopyOnWriteArrayList<>();
    /** The branches of the tests that ran at once, one per class. */
    static final List<String> AT_ONCE = new CopyOnWriteArrayList<>();

    static volatile CyclicBarrier overlap;

    @Test
    void parallelClassesNeverCrossBranches() {
        SEEN.clear();
        AT_ONCE.clear();
        overlap = new CyclicBarrier(3);
        assertAllSucceeded(
                SpringFixtures.run(
                        SpringFixtures.PARALLEL_CLASSES,
                        FirstTestCase.class,
                        SecondTestCase.class,
                        ThirdTestCase.class),
                6);

        assertThat(SEEN).hasSize(6);
        // A branch restored in place may serve a later test under its name; tests running at once never share one.
        assertThat(AT_ONCE).hasSize(3).doesNotHaveDuplicates();
    }

    @Test
    void aThreadOfTheApplicationUsesTheBranchOfTheOneTestRunning() {
        assertAllSucceeded(SpringFixtures.run(OtherThreadTestCase.class), 1);
    }

    @Test
    void aThreadOfTheApplicationRefusesToGuessBetweenParallelTests() {
        overlap = new CyclicBarrier(2);
        var results = SpringFixtures.run(
                SpringFixtures.PARALLEL_CLASSES, AmbiguousTestCase.class, SecondAmbiguousTestCase.class);

        assertThat(SpringFixtures.failures(results)).isEmpty();
    }

    @Test
    void aRequestThatCannotTellWhoseBranchExplainsItselfInTheFailingTest() {
        overlap = new CyclicBarrier(2);
        var results = SpringFixtures.run(
                SpringFixtures.PARALLEL_CLASSES, RandomPortTestCase.class, SecondRandomPortTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(2).failed(2));
        assertThat(SpringFixtures.failures(results))
                .hasSize(2)
                .allSatisfy(failure -> assertThat(failure)
                        .contains("500")
                        .contains(
                                "While this test ran, a thread of the application failed: The DataSource 'dataSource' of "
                                        + "the application context of ")
                        .contains("cannot tell whose branch to use"));
    }

    /** The application's web layer, answered by threads of the server. */
    @RestController
    static class DatabaseController {

        private final InventoryRepository repository;

        DatabaseController(InventoryRepository repository) {
            this.repository = repository;
        }

        @GetMapping("/database")
        String database() {
            return repository.database();
        }
    }

    @SpringBootTest(
            classes = {InventoryApplication.class, DatabaseController.class},
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "spring.main.web-application-type=servlet")
    @LakebaseBranch
    static class RandomPortTestCase {

        @Value("${local.server.port}")
        int port;

        @Test
        void asksTheServer() throws Exception {
            overlap.await(60, TimeUnit.SECONDS); // both tests run, each with its branch bound to the context
            try {
                HttpResponse<String> response = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/database"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as("status of GET /database").isEqualTo(200);
            } finally {
                overlap.await(60, TimeUnit.SECONDS);
            }
        }
    }

    @SpringBootTest(
            classes = {InventoryApplication.class, DatabaseController.class},
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "spring.main.web-application-type=servlet")
    @LakebaseBranch
    static class SecondRandomPortTestCase extends RandomPortTestCase {}

    abstract static class Checks {

        @Autowired
        InventoryRepository repository;

        @Test
        void deletesOnItsOwnBranch(Branch branch) throws Exception {
            overlap.await(60, TimeUnit.SECONDS); // all three classes are in a test at once
            for (int i = 0; i < 20; i++) {
                assertThat(repository.database()).isEqualTo(branch.name());
            }
            assertThat(repository.count()).isEqualTo(3);
            repository.deleteAll();
            SEEN.add(branch.name());
            AT_ONCE.add(branch.name());
        }

        @Test
        void addsOnItsOwnBranch(Branch branch) {
            assertThat(repository.count()).isEqualTo(3);
            repository.add("L700B0700S000700", 7);
            assertThat(repository.database()).isEqualTo(branch.name());
            SEEN.add(branch.name());
        }
    }

    @SpringBootTest(classes = InventoryApplication.class)
    @LakebaseBranch
    static class FirstTestCase extends Checks {}

    @SpringBootTest(classes = InventoryApplication.class)
    @LakebaseBranch
    static class SecondTestCase extends Checks {}

    @SpringBootTest(classes = InventoryApplication.class)
    @LakebaseBranch
    static class ThirdTestCase extends Checks {}

    @SpringBootTest(classes = InventoryApplication.class)
    @LakebaseBranch
    static class OtherThreadTestCase {

        @Autowired
        DataSource dataSource;

        @Test
        void findsTheBranch(Branch branch) throws Exception {
            String database =
                    CompletableFuture.supplyAsync(() -> catalog(dataSource)).get(60, TimeUnit.SECONDS);
            assertThat(database).isEqualTo(branch.name());
        }
    }

    @SpringBootTest(classes = InventoryApplication.class)
    @LakebaseBranch
    static class AmbiguousTestCase {

        @Autowired
        DataSource dataSource;

        @Test
        void cannotTellWhoseBranch() throws Exception {
            overlap.await(60, TimeUnit.SECONDS);
            try {
                Throwable failure = CompletableFuture.supplyAsync(() -> catalog(dataSource))
                        .handle((ok, error) -> error)
                        .get(60, TimeUnit.SECONDS);
                assertThat(failure).isNotNull().hasRootCauseInstanceOf(IllegalStateException.class);
                assertThat(failure.getCause().getMessage())
                        .contains(
                                "which runs no test, while 2 tests with " + "branches run in this context in parallel");
            } finally {
                overlap.await(60, TimeUnit.SECONDS); // the other test stays until this one has looked
            }
        }
    }

    @SpringBootTest(classes = InventoryApplication.class)
    @LakebaseBranch
    static class SecondAmbiguousTestCase extends AmbiguousTestCase {}

    private static String catalog(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return c.getCatalog();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
