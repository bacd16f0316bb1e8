package io.github.lakebase.junit.internal.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What PostgreSQL keeps about a database outside its files, where {@code CREATE DATABASE ... TEMPLATE}
 * does not look, carried from a template to every database cloned from it: the settings of the database
 * ({@code ALTER DATABASE ... SET}) and of roles in it ({@code ALTER ROLE ... IN DATABASE ... SET}), both
 * rows of {@code pg_db_role_setting} keyed by the database's OID; its owner; and its privileges
 * ({@code GRANT ... ON DATABASE}). Read once per template, the first time a database is cloned from it,
 * and written in the round trip that records the clone's ownership.
 *
 * <p>Two properties are not carried, and the log says so when a base is sealed with them: a comment (the
 * library's own comment marks what it owns, and is restored) and a connection limit (the library sizes its
 * pools itself).
 *
 * <pre>{@code
 * String create = "CREATE DATABASE x TEMPLATE base" + properties.ownerOption("base");
 * String after = "COMMENT ON DATABASE x IS '...'" + properties.carry("base", "x");
 * }</pre>
 */
final class DatabaseProperties {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseProperties.class);

    /**
     * Settings whose value PostgreSQL stores as a list of quoted identifiers ({@code GUC_LIST_QUOTE}): written
     * back as they are stored, where every other value is a string literal; the list pg_dump uses.
     */
    private static final Set<String> LIST_SETTINGS = Set.of(
            "local_preload_libraries",
            "search_path",
            "session_preload_libraries",
            "shared_preload_libraries",
            "temp_tablespaces",
            "unix_socket_directories");

    /** One query for all of it: the owner, each setting, whether the privileges were changed, each privilege. */
    private static final String READ = "WITH d AS (SELECT oid, datdba, datacl FROM pg_database WHERE datname = ?) "
            + "SELECT 'owner', pg_get_userbyid(d.datdba), "
            + "CASE WHEN d.datdba <> (SELECT oid FROM pg_roles WHERE rolname = current_user) "
            + "AND pg_has_role(d.datdba, 'MEMBER') THEN 'carried' ELSE '' END FROM d "
            + "UNION ALL SELECT 'setting', CASE WHEN s.setrole = 0 THEN '' ELSE pg_get_userbyid(s.setrole) END, c "
            + "FROM d JOIN pg_db_role_setting s ON s.setdatabase = d.oid, unnest(s.setconfig) c "
            + "UNION ALL SELECT 'acl', '', '' FROM d WHERE d.datacl IS NOT NULL "
            + "UNION ALL SELECT 'grant', CASE WHEN a.grantee = 0 THEN '' ELSE pg_get_userbyid(a.grantee) END, "
            + "a.privilege_type || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END "
            + "FROM d, aclexplode(d.datacl) a";

    private final AdminSql admin;
    private final Map<String, Template> templates = new ConcurrentHashMap<>();

    DatabaseProperties(AdminSql admin) {
        this.admin = admin;
    }

    /**
     * A template's properties.
     *
     * @param owner the owner to give a clone, or {@code null} to leave it to the admin user that clones it
     * @param settings {@code [role, "name=value"]}, the role empty for a setting of the database itself
     * @param privileges {@code [grantee, privilege]}, the grantee empty for {@code PUBLIC}; {@code null} when the
     *     privileges are PostgreSQL's defaults
     */
    private record Template(String owner, List<String[]> settings, List<String[]> privileges) {}

    /** The {@code OWNER} option of a {@code CREATE DATABASE} cloning {@code template}, or empty. */
    String ownerOption(String template) {
        String owner = template(template).owner();
        return owner == null ? "" : " OWNER " + AdminSql.quote(owner);
    }

    /** The statements that give {@code clone} what {@code template} has beside its files, each after a {@code ;}. */
    String carry(String template, String clone) {
        Template t = template(template);
        StringBuilder sql = new StringBuilder();
        String database = AdminSql.quote(clone);
        for (String[] setting : t.settings()) {
            int eq = setting[1].indexOf('=');
            String name = setting[1].substring(0, eq);
            String value = setting[1].substring(eq + 1);
            sql.append("; ALTER ")
                    .append(setting[0].isEmpty() ? "" : "ROLE " + AdminSql.quote(setting[0]) + " IN ")
                    .append("DATABASE ")
                    .append(database)
                    .append(" SET ")
                    .append(AdminSql.quote(name))
                    .append(" TO ")
                    .append(value(name, value));
        }
        if (t.privileges() != null) {
            sql.append("; REVOKE ALL ON DATABASE ").append(database).append(" FROM PUBLIC");
            for (String[] grant : t.privileges()) {
                sql.append("; GRANT ")
                        .append(grant[1].replace(" WITH GRANT OPTION", ""))
                        .append(" ON DATABASE ")
                        .append(database)
                        .append(" TO ")
                        .append(grant[0].isEmpty() ? "PUBLIC" : AdminSql.quote(grant[0]))
                        .append(grant[1].endsWith(" WITH GRANT OPTION") ? " WITH GRANT OPTION" : "");
            }
        }
        return sql.toString();
    }

    /** Forgets what was read of {@code name}: it was dropped, or is about to change into a template. */
    void forget(String name) {
        templates.remove(name);
    }

    /**
     * Checks a database about to be sealed for what its clones will not have, and says so: a comment a
     * migration set (replaced by {@code ownComment}, which marks it as the library's; {@code null} to leave it),
     * and a connection limit.
     */
    void checkSealed(String name, String ownComment) {
        List<String[]> rows = admin.rows(
                "SELECT coalesce(shobj_description(oid, 'pg_database'), ''), datconnlimit FROM pg_database "
                        + "WHERE datname = ?",
                name);
        if (rows.isEmpty()) {
            return;
        }
        String comment = rows.get(0)[0];
        if (ownComment != null && !comment.equals(ownComment)) {
            admin.execute("COMMENT ON DATABASE " + AdminSql.quote(name) + " IS " + AdminSql.literal(ownComment));
            LOG.warn(
                    "Something run on {} commented the database ('{}'). Its branches do not carry a database's "
                            + "comment: the library's own comment, which marks what it owns, is back on it.",
                    name,
                    comment);
        }
        if (!"-1".equals(rows.get(0)[1])) {
            LOG.warn(
                    "{} has a connection limit of {}, which its branches do not carry: the library sizes the pools "
                            + "of branches itself (lakebase.pool.maximum-size).",
                    name,
                    rows.get(0)[1]);
        }
    }

    private Template template(String name) {
        return templates.computeIfAbsent(name, this::read);
    }

    private Template read(String name) {
        String owner = null;
        List<String[]> settings = new ArrayList<>();
        List<String[]> privileges = null;
        List<String[]> grants = new ArrayList<>();
        for (String[] row : admin.rows(READ, name)) {
            switch (row[0]) {
                case "owner" -> owner = "carried".equals(row[2]) ? row[1] : null;
                case "setting" -> settings.add(new String[] {row[1], row[2]});
                case "acl" -> privileges = grants;
                case "grant" -> grants.add(new String[] {row[1], row[2]});
                default -> throw new IllegalStateException(row[0]);
            }
        }
        return new Template(owner, List.copyOf(settings), privileges == null ? null : List.copyOf(grants));
    }

    /** A stored value as SQL: a list setting as it is stored (its elements quoted already), else a literal. */
    private static String value(String name, String stored) {
        if (LIST_SETTINGS.contains(name.toLowerCase(Locale.ROOT))) {
            return stored.equals("\"\"") ? "''" : stored;
        }
        return AdminSql.literal(stored);
    }
}
