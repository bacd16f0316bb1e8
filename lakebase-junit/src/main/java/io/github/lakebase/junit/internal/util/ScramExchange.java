package io.github.lakebase.junit.internal.util;

import static io.github.lakebase.junit.internal.util.ProtocolMessages.body;
import static io.github.lakebase.junit.internal.util.ProtocolMessages.expect;
import static io.github.lakebase.junit.internal.util.ProtocolMessages.readCString;
import static io.github.lakebase.junit.internal.util.ProtocolMessages.write;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server's side of a SCRAM-SHA-256 login for {@link StandInServer}, as PostgreSQL runs it (<a
 * href="https://www.postgresql.org/docs/current/sasl-authentication.html">SASL Authentication</a>; RFC 5802 and
 * RFC 7677, without channel binding; the user name in the client's first message is ignored), with one iteration of
 * the key derivation: the client's proof is checked, and the server's signature sent.
 *
 * <pre>{@code
 * ScramExchange.authenticate(in, out, "secret"); // after the start-up message; then AuthenticationOk is sent
 * }</pre>
 */
final class ScramExchange {

    private static final int ITERATIONS = 1;

    private ScramExchange() {}

    /**
     * The SCRAM-SHA-256 exchange, as a server: checks the client's proof, and proves to the client that it knows
     * the password; a client with another password gets PostgreSQL's error for it.
     */
    static void authenticate(DataInputStream in, DataOutputStream out, String password)
            throws IOException, GeneralSecurityException {
        write(out, 'R', body(b -> b.writeInt(10).writeCString("SCRAM-SHA-256").writeByte(0)));
        out.flush();
        DataInputStream initial = new DataInputStream(new ByteArrayInputStream(expect(in, 'p')));
        readCString(initial); // the mechanism
        byte[] first = new byte[initial.readInt()];
        initial.readFully(first);
        String clientFirst = new String(first, StandardCharsets.UTF_8);
        String clientFirstBare = clientFirst.substring(clientFirst.indexOf(',', clientFirst.indexOf(',') + 1) + 1);
        String nonce = attribute(clientFirstBare, 'r') + Base64.getEncoder().encodeToString(random(18));
        byte[] salt = random(16);
        String serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + ITERATIONS;
        write(out, 'R', body(b -> b.writeInt(11).write(serverFirst.getBytes(StandardCharsets.UTF_8))));
        out.flush();
        String clientFinal = new String(expect(in, 'p'), StandardCharsets.UTF_8);
        int proofAt = clientFinal.lastIndexOf(",p=");
        String authMessage = clientFirstBare + "," + serverFirst + "," + clientFinal.substring(0, proofAt);
        byte[] message = authMessage.getBytes(StandardCharsets.UTF_8);
        // Hi(password, salt, 1) is HMAC(password, salt + INT(1)) (RFC 5802, section 2.2).
        byte[] salted = hmac(password.getBytes(StandardCharsets.UTF_8), concat(salt, new byte[] {0, 0, 0, 1}));
        // The client's proof is its ClientKey XOR HMAC(H(ClientKey), AuthMessage) (RFC 5802, section 3).
        byte[] storedKey = sha256(hmac(salted, "Client Key".getBytes(StandardCharsets.UTF_8)));
        byte[] clientKey = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
        byte[] clientSignature = hmac(storedKey, message);
        for (int i = 0; i < clientKey.length && i < clientSignature.length; i++) {
            clientKey[i] ^= clientSignature[i];
        }
        if (!MessageDigest.isEqual(sha256(clientKey), storedKey)) {
            write(
                    out,
                    'E',
                    body(b -> b.writeByte('S')
                            .writeCString("FATAL")
                            .writeByte('V')
                            .writeCString("FATAL")
                            .writeByte('C')
                            .writeCString("28P01") // invalid_password
                            .writeByte('M')
                            .writeCString("password authentication failed")
                            .writeByte(0)));
            out.flush();
            throw new IOException("Another password");
        }
        byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.UTF_8));
        String serverFinal = "v=" + Base64.getEncoder().encodeToString(hmac(serverKey, message));
        write(out, 'R', body(b -> b.writeInt(12).write(serverFinal.getBytes(StandardCharsets.UTF_8))));
        write(out, 'R', body(b -> b.writeInt(0)));
    }

    private static byte[] sha256(byte[] data) throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    /** The value of the attribute {@code name} in a SCRAM message ({@code r=...,s=...}). */
    private static String attribute(String message, char name) throws IOException {
        for (String part : message.split(",")) {
            if (part.length() > 1 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        throw new IOException("No attribute " + name + " in " + message);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
