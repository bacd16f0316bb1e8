package io.github.lakebase.junit.spring;

import static io.github.lakebase.junit.spring.SpringFixtures.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.spring.app.InventoryApplication;
import io.github.lakebase.junit.spring.app.InventoryRepository;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.jdbc.Sql;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * {@code @Transactional} tests and {@code @Sql} scripts run on the test's branch, whichever of
 * {@code @SpringBootTest} and {@code @LakebaseBranch} comes first: Spring starts the transaction
 * before the library's own {@code beforeEach} when its extension is registered first.
 */
class TransactionalTests {

    @Test
    void transactionsRunOnTheTestsBranchWhenSpringComesFirst() {
        assertAllSucceeded(SpringFixtures.run(SpringFirstTestCase.class), 2);
    }

    @Test
    void transactionsRunOnTheTestsBranchWhenTheLibraryComesFirst() {
        assertAllSucceeded(SpringFixtures.run(LibraryFirstTestCase.class), 2);
    }

    @Test
    void aPerClassBranchKeepsWhatTestsCommitAndLosesWhatTheyRollBack() {
        assertAllSucceeded(SpringFixtures.run(PerClassTestCase.class), 3);
    }

    /** The tests of both orders; the subclasses declare the annotations, each in its order. */
    @Transactional
    abstract static class TransactionalChecks {

        @Autowired
        InventoryRepository repository;

        @Test
        @Sql(statements = "INSERT INTO inventory (inventory_code) VALUES ('L500B0500S000500')")
        void runsInATransactionOnItsBranch(Branch branch) {
            assertThat(TransactionSynchronizationManager.isActualTransactionActive())
                    .isTrue();
            assertThat(repository.database()).isEqualTo(branch.name());
            assertThat(repository.count()).isEqualTo(4);
        }

        @Test
        void writesAndReadsInOneTransaction(Branch branch) {
            repository.add("L501B0501S000501", 1);
            assertThat(repository.database()).isEqualTo(branch.name());
            assertThat(repository.count()).isEqualTo(4);
        }
    }

    @SpringBootTest(classes = InventoryApplication.class)
    @LakebaseBranch
    static class SpringFirstTestCase extends TransactionalChecks {}

    @LakebaseBranch
    @SpringBootTest(classes = InventoryApplication.class)
    static class LibraryFirstTestCase extends TransactionalChecks {}

    @SpringBootTest(classes = InventoryApplication.class)
    @LakebaseBranch(lifecycle = LakebaseBranch.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClassTestCase {

        @Autowired
        InventoryRepository repository;

        @Test
        @Order(1)
        @Transactional
        void addsInATransactionThatIsRolledBack() {
            repository.add("L600B0600S000600", 1);
            assertThat(repository.count()).isEqualTo(4);
        }

        @Test
        @Order(2)
        void addsWithoutATestTransaction() {
            assertThat(repository.count()).isEqualTo(3);
            repository.add("L601B0601S000601", 1);
        }

        @Test
        @Order(3)
        void seesOnlyTheCommittedRow() {
            assertThat(repository.codes()).contains("L601B0601S000601").doesNotContain("L600B0600S000600");
        }
    }
}
