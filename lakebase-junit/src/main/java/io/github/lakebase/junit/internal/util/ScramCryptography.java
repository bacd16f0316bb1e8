package io.github.lakebase.junit.internal.util;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The JDK's cryptography of a SCRAM-SHA-256 login, initialized ahead of the login, off the test's path.
 *
 * <pre>{@code
 * ScramCryptography.load(); // in a background thread, before the first login
 * }</pre>
 */
public final class ScramCryptography {

    private ScramCryptography() {}

    /**
     * Initializes the JDK's cryptography that a SCRAM-SHA-256 login uses (<a
     * href="https://www.rfc-editor.org/rfc/rfc5802#section-3">RFC 5802</a> with <a
     * href="https://www.rfc-editor.org/rfc/rfc7677">RFC 7677</a>'s SHA-256): a random nonce, HMAC-SHA-256, SHA-256,
     * Hi (PBKDF2 with HMAC-SHA-256) and Base64. A JVM initializes each on its first use.
     */
    public static void load() {
        try {
            new SecureRandom().nextBytes(new byte[18]);
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
            hmac.doFinal(new byte[32]);
            MessageDigest.getInstance("SHA-256").digest(new byte[32]);
            SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(new char[] {'x'}, new byte[16], 1, 256));
            Base64.getEncoder().encode(new byte[18]);
        } catch (GeneralSecurityException e) {
            // Not available here: the login initializes what it uses, as it would without this.
        }
    }
}
