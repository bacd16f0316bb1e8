package migrations.javaonce;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/** A Java migration that cannot run twice: it creates its table without asking whether it is there. */
public class V1__Create_crate extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement s = context.getConnection().createStatement()) {
            s.execute("CREATE TABLE crate (id bigint PRIMARY KEY)");
        }
    }
}
