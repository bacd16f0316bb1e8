package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.lakebase.junit.LakebaseBranch;
import java.sql.Connection;
import java.sql.ResultSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@LakebaseBranch
class SecondDatabaseTest {

    @Test
    void answers(DataSource dataSource) throws Exception {
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
    }
}
