package io.github.lakebase.junit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.LakebaseBranch;
import io.github.lakebase.junit.spring.app.InventoryApplication;
import io.github.lakebase.junit.spring.app.InventoryRepository;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** Using the application's database where no branch governs fails with a message that says what to change. */
class MisuseTests {

    @Test
    void theDatabaseInABeforeAllOfAPerMethodClassIsRefused() {
        var results = SpringFixtures.run(BeforeAllTestCase.class);

        assertThat(SpringFixtures.failures(results))
                .singleElement()
                .asString()
                .contains("was used in MisuseTests$BeforeAllTestCase outside a test method, and the branches of "
                        + "BeforeAllTestCase are per method")
                .contains("@LakebaseBranch(lifecycle = PER_CLASS)");
    }

    @SpringBootTest(classes = InventoryApplication.class)
    @LakebaseBranch
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class BeforeAllTestCase {

        @Autowired
        InventoryRepository repository;

        @BeforeAll
        void countsBeforeAll() {
            repository.count();
        }

        @Test
        void neverRuns() {}
    }
}
