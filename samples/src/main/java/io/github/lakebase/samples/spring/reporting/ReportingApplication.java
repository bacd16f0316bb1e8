package io.github.lakebase.samples.spring.reporting;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A reporting service with two databases: it reads orders from one and writes reports to the other,
 * each with its own Flyway. In its tests each {@code DataSource} bean is on a branch of its own, built
 * by its own Flyway.
 */
@SpringBootApplication
public class ReportingApplication {

    public static void main(String[] args) {
        new SpringApplicationBuilder(ReportingApplication.class)
                .properties("spring.config.name=reporting")
                .run(args);
    }

    @Bean
    @Primary
    @ConfigurationProperties("app.orders.datasource")
    DataSource ordersDataSource() {
        return DataSourceBuilder.create().build();
    }

    @Bean
    @ConfigurationProperties("app.reporting.datasource")
    DataSource reportingDataSource() {
        return DataSourceBuilder.create().build();
    }

    @Bean(initMethod = "migrate")
    Flyway ordersFlyway(DataSource ordersDataSource) {
        return Flyway.configure()
                .dataSource(ordersDataSource)
                .locations("classpath:db/orders")
                .load();
    }

    @Bean(initMethod = "migrate")
    Flyway reportingFlyway(@Qualifier("reportingDataSource") DataSource reportingDataSource) {
        return Flyway.configure()
                .dataSource(reportingDataSource)
                .locations("classpath:db/reporting")
                .load();
    }

    @Bean
    @Primary
    JdbcTemplate ordersJdbc(DataSource ordersDataSource) {
        return new JdbcTemplate(ordersDataSource);
    }

    @Bean
    JdbcTemplate reportingJdbc(@Qualifier("reportingDataSource") DataSource reportingDataSource) {
        return new JdbcTemplate(reportingDataSource);
    }
}
