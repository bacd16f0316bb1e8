package io.github.lakebase.junit.internal.embedded;

import io.github.lakebase.junit.spi.ProviderException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as configuration values and messages write them: {@code 500MB}, {@code 10GB}, {@code 2TB}, or
 * a number of bytes; {@code KB}, {@code MB}, {@code GB} and {@code TB} count in powers of 1024.
 *
 * <pre>{@code
 * long max = ByteSizes.parse("lakebase.embedded.cache-max-size", Optional.of("10GB"), 0); // 10737418240
 * }</pre>
 */
public final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|B|K|KB|KIB|M|MB|MIB|G|GB|GIB|T|TB|TIB)");
    private static final String[] UNITS = {"bytes", "KB", "MB", "GB", "TB"};

    private ByteSizes() {}

    /**
     * The size a configuration value gives.
     *
     * @param key the key, for the message when the value is not a size
     * @param value the value, if set
     * @param defaultValue the size when it is not
     * @return the size in bytes
     */
    public static long parse(String key, Optional<String> value, long defaultValue) {
        if (value.isEmpty()) {
            return defaultValue;
        }
        Matcher m = SIZE.matcher(value.get().trim().toUpperCase(Locale.ROOT));
        if (m.matches()) {
            int shift = switch (m.group(2).isEmpty() ? 'B' : m.group(2).charAt(0)) {
                case 'K' -> 10;
                case 'M' -> 20;
                case 'G' -> 30;
                case 'T' -> 40;
                default -> 0;
            };
            try {
                long amount = Long.parseLong(m.group(1));
                if (amount <= Long.MAX_VALUE >> shift) {
                    return amount << shift;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw ProviderException.configuration(key + "='" + value.get() + "' is not a size: write it as 500MB, 10GB "
                + "or 2TB (the default is " + describe(defaultValue) + ").");
    }

    /** {@code bytes} as a person reads it, e.g. {@code 1.5 GB}. */
    public static String describe(long bytes) {
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0
                ? bytes + " bytes"
                : String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, UNITS[unit]);
    }
}
