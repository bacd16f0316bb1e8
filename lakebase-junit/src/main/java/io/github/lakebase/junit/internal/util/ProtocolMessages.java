package io.github.lakebase.junit.internal.util;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The framing of PostgreSQL's frontend/backend protocol (version 3.0) for {@link StandInServer}: a message is a type
 * byte, then its length as a big-endian 32-bit integer that counts itself but not the type, then its body; strings
 * end with a zero byte (<a href="https://www.postgresql.org/docs/current/protocol-message-formats.html">Message
 * Formats</a>, <a href="https://www.postgresql.org/docs/current/protocol-message-types.html">Message Data Types</a>).
 *
 * <pre>{@code
 * ProtocolMessages.write(out, 'Z', new byte[] {'I'});                          // ReadyForQuery, idle
 * ProtocolMessages.write(out, 'C', ProtocolMessages.body(b -> b.writeCString("SELECT 1")));
 * byte[] parse = ProtocolMessages.expect(in, 'P');
 * }</pre>
 */
final class ProtocolMessages {

    /** Nothing a client sends the stand-in is this long. */
    static final int LONGEST_MESSAGE = 1 << 20;

    private ProtocolMessages() {}

    /** The body of the next message, which must be of {@code type}. */
    static byte[] expect(DataInputStream in, char type) throws IOException {
        int actual = in.read();
        if (actual != type) {
            throw new IOException("Expected message " + type + ", got " + actual);
        }
        return readBody(in);
    }

    /** A message's body, after its type byte: its length, which counts itself, then the body. */
    static byte[] readBody(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 4 || length > LONGEST_MESSAGE) {
            throw new IOException("A message of length " + length);
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return body;
    }

    /** Writes a message of {@code type} with {@code body} (unflushed). */
    static void write(DataOutputStream out, char type, byte[] body) throws IOException {
        out.writeByte(type);
        out.writeInt(body.length + 4);
        out.write(body);
    }

    /** Reads a string up to its terminating zero byte, as UTF-8. */
    static String readCString(DataInputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b > 0; b = in.read()) {
            bytes.write(b);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Writes a message body. */
    interface BodyWriter {
        void write(Body body) throws IOException;
    }

    static byte[] body(BodyWriter writer) throws IOException {
        Body body = new Body();
        writer.write(body);
        return body.bytes.toByteArray();
    }

    /** A message body being written, in the protocol's byte order (big-endian) and its strings' form (C strings). */
    static final class Body {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);

        Body writeInt(int value) throws IOException {
            out.writeInt(value);
            return this;
        }

        Body writeShort(int value) throws IOException {
            out.writeShort(value);
            return this;
        }

        Body writeByte(int value) throws IOException {
            out.writeByte(value);
            return this;
        }

        Body write(byte[] value) throws IOException {
            out.write(value);
            return this;
        }

        Body writeCString(String value) throws IOException {
            out.write(value.getBytes(StandardCharsets.UTF_8));
            out.writeByte(0);
            return this;
        }
    }
}
