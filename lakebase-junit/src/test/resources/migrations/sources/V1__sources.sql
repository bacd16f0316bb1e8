CREATE TABLE source (placeholder text PRIMARY KEY, value text NOT NULL);
INSERT INTO source VALUES
    ('p_home', '${p_home}'),
    ('p_cwd', '${p_cwd}'),
    ('p_classpath', '${p_classpath}'),
    ('p_files', '${p_files}'),
    ('p_env', '${p_env}'),
    ('p_properties', '${p_properties}'),
    ('p_system', '${p_system}'),
    ('p_launcher', '${p_launcher}'),
    ('p_given', '${p_given}');
