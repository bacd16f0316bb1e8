package io.github.lakebase.junit.internal.util;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 digests as lowercase hex, for names and keys derived from what something is made of.
 *
 * <pre>{@code
 * String key = Digests.sha256Hex("base|" + fingerprint, 8);   // 16 hex digits
 * }</pre>
 */
public final class Digests {

    private Digests() {}

    /**
     * A new SHA-256 digest, for content fed in several parts.
     *
     * @return the digest
     */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }

    /**
     * What was fed to {@code digest}, as hex; the digest is reset.
     *
     * @param digest a digest, for example from {@link #sha256()}
     * @return its value in lowercase hex digits, two per byte
     */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * The first {@code bytes} bytes of the SHA-256 digest of {@code text}'s UTF-8 form, as hex.
     *
     * @param text any text
     * @param bytes 1 to 32
     * @return {@code 2 * bytes} lowercase hex digits
     */
    public static String sha256Hex(String text, int bytes) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)), 0, bytes);
    }
}
