package io.github.lakebase.junit.tools;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A kind of damage {@link Corruption} does to a text value, the way real data goes bad: a digit lost when a
 * code was typed, a space from a scanner, blanks from a spreadsheet, a value never filled in, a field cut
 * short by an old system. Each row picked for corruption gets one kind, chosen among those that apply to
 * its value.
 *
 * <pre>{@code
 * Corruption.of(branch).column("inventory", "inventory_code")
 *         .fraction(0.01)
 *         .kinds(Damage.MISSING_DIGITS, Damage.TRUNCATED)
 *         .apply();
 * }</pre>
 */
public enum Damage {

    /**
     * One or two digits removed, for example {@code L042B0917S000123} becomes {@code L042B097S000123}.
     * Applies to values with at least one digit.
     */
    MISSING_DIGITS,

    /**
     * A space inserted between two adjacent non-blank characters, for example {@code L042B09 17S000123}.
     * Applies to values with two adjacent non-blank characters, when the column has room for one more.
     */
    EMBEDDED_SPACE,

    /**
     * One to three spaces appended, for example {@code "L042B0917S000123  "}. Applies to every value, when
     * the column has room for them.
     */
    TRAILING_WHITESPACE,

    /** The value replaced by {@code NULL}. Applies to nullable columns only. */
    NULL,

    /**
     * The value cut short, losing at least its last non-blank character, for example {@code L042B0917S00}.
     * Applies to values with a non-blank character after the first position.
     */
    TRUNCATED;

    /** Whether this damage can be done to {@code value} in a column of at most {@code maxLength} characters. */
    boolean appliesTo(String value, int maxLength, boolean nullable) {
        int length = value.codePointCount(0, value.length());
        return switch (this) {
            case MISSING_DIGITS -> value.codePoints().anyMatch(Character::isDigit);
            case EMBEDDED_SPACE -> length < maxLength && firstGap(value) >= 0;
            case TRAILING_WHITESPACE -> length < maxLength;
            case NULL -> nullable;
            case TRUNCATED -> lastNonBlank(value.codePoints().toArray()) >= 1;
        };
    }

    /** The damaged value; {@link #appliesTo} must have said yes. */
    String apply(String value, int maxLength, SplittableRandom random) {
        int[] cp = value.codePoints().toArray();
        return switch (this) {
            case MISSING_DIGITS -> {
                int[] digits = IntStream.range(0, cp.length)
                        .filter(i -> Character.isDigit(cp[i]))
                        .toArray();
                int first = random.nextInt(digits.length);
                int second = digits.length >= 2 && random.nextBoolean() ? random.nextInt(digits.length - 1) : -1;
                int secondIndex = second < 0 ? -1 : digits[second >= first ? second + 1 : second];
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < cp.length; i++) {
                    if (i != digits[first] && i != secondIndex) {
                        out.appendCodePoint(cp[i]);
                    }
                }
                yield out.toString();
            }
            case EMBEDDED_SPACE -> {
                int gaps = 0;
                for (int i = 1; i < cp.length; i++) {
                    gaps += isGap(cp, i) ? 1 : 0;
                }
                int nth = random.nextInt(gaps);
                int at = 1;
                for (; at < cp.length; at++) {
                    if (isGap(cp, at) && nth-- == 0) {
                        break;
                    }
                }
                yield new String(cp, 0, at) + ' ' + new String(cp, at, cp.length - at);
            }
            case TRAILING_WHITESPACE -> value + " ".repeat(1 + random.nextInt(Math.min(3, maxLength - cp.length)));
            case NULL -> null;
            case TRUNCATED -> new String(cp, 0, 1 + random.nextInt(lastNonBlank(cp)));
        };
    }

    /** Whether a space can go before code point {@code i}: both neighbours are non-blank. */
    private static boolean isGap(int[] cp, int i) {
        return !Character.isWhitespace(cp[i - 1]) && !Character.isWhitespace(cp[i]);
    }

    private static int firstGap(String value) {
        int[] cp = value.codePoints().toArray();
        for (int i = 1; i < cp.length; i++) {
            if (isGap(cp, i)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastNonBlank(int[] cp) {
        for (int i = cp.length - 1; i >= 0; i--) {
            if (!Character.isWhitespace(cp[i])) {
                return i;
            }
        }
        return -1;
    }
}
