package io.github.lakebase.junit.spring;

import static io.github.lakebase.junit.spring.SpringFixtures.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.lakebase.junit.Branch;
import io.github.lakebase.junit.LakebaseBranch;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/** Spring Framework without Boot: the configuration's own {@code DataSource} bean becomes the test's branch. */
class PlainSpringTests {

    @Test
    void theConfigurationsDataSourceIsTheTestsBranch() {
        assertAllSucceeded(SpringFixtures.run(PlainSpringTestCase.class), 2);
    }

    @Configuration
    @EnableTransactionManagement
    static class ApplicationConfiguration {

        @Bean
        DataSource dataSource() {
            return new DriverManagerDataSource("jdbc:postgresql://production.invalid:5432/inventory", "app", "secret");
        }

        @Bean
        JdbcTemplate jdbcTemplate(DataSource dataSource) {
            return new JdbcTemplate(dataSource);
        }

        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }
    }

    /** Nothing in this configuration migrates the database, so the test asks the library to. */
    @SpringJUnitConfig(ApplicationConfiguration.class)
    @LakebaseBranch(migrations = "classpath:db/migration")
    static class PlainSpringTestCase {

        @Autowired
        JdbcTemplate jdbc;

        @Test
        void usesTheBranch(Branch branch) {
            assertThat(jdbc.queryForObject("SELECT current_database()", String.class))
                    .isEqualTo(branch.name());
            assertThat(jdbc.queryForObject("SELECT count(*) FROM inventory", Long.class))
                    .isEqualTo(2);
            jdbc.update("DELETE FROM inventory");
        }

        @Test
        @Transactional
        void usesTheBranchInATransaction(Branch branch) {
            assertThat(jdbc.queryForObject("SELECT current_database()", String.class))
                    .isEqualTo(branch.name());
            assertThat(jdbc.queryForObject("SELECT count(*) FROM inventory", Long.class))
                    .isEqualTo(2);
        }
    }
}
