package io.github.lakebase.junit.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.regex.Pattern;
import org.apiguardian.api.API;

/** Keeps secrets out of log lines and messages: passwords in JDBC URLs become {@code ***}. */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Redaction {

    private static final Pattern URL_SECRET = Pattern.compile("(?i)((?:password|sslpassword|token)=)[^&;\\s]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:\\s]+:)[^/@\\s]+@");

    private Redaction() {}

    /**
     * {@code url} with the values of password-like parameters and any user-info password masked.
     *
     * @param url a JDBC URL or any text that may hold one
     * @return the text, safe to log
     */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        return USER_INFO.matcher(URL_SECRET.matcher(url).replaceAll("$1***")).replaceAll("$1***@");
    }
}
