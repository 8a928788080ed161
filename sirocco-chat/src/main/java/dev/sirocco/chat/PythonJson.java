package dev.sirocco.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes values as Python's {@code json.dumps(x, ensure_ascii=False, indent=..., separators=..., sort_keys=...)} does,
 * which is what transformers' {@code tojson} template filter calls. Byte-exact spacing matters: the text is tokenized.
 */
final class PythonJson {

    private PythonJson() {
    }

    /**
     * @param indent     null for one line, else spaces per level (Python's {@code indent=n})
     * @param separators null for Python's defaults: {@code (", ", ": ")} on one line, {@code (",", ": ")} when indented
     */
    static String dumps(Object value, Integer indent, List<String> separators, boolean sortKeys) {
        String itemSep = separators != null ? separators.get(0) : indent == null ? ", " : ",";
        String keySep = separators != null ? separators.get(1) : ": ";
        StringBuilder out = new StringBuilder();
        write(out, value, indent, itemSep, keySep, sortKeys, 0);
        return out.toString();
    }

    static String dumps(Object value) {
        return dumps(value, null, null, false);
    }

    private static void write(StringBuilder out, Object value, Integer indent, String itemSep, String keySep,
                              boolean sortKeys, int level) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof CharSequence || value instanceof Character) {
            writeString(out, value.toString());
        } else if (value instanceof Double || value instanceof Float) {
            out.append(pythonFloat(((Number) value).doubleValue()));
        } else if (value instanceof BigDecimal d) {
            out.append(pythonFloat(d.doubleValue()));
        } else if (value instanceof Number n) {
            out.append(n instanceof BigInteger ? n.toString() : Long.toString(n.longValue()));
        } else if (value instanceof Map<?, ?> map) {
            writeMap(out, map, indent, itemSep, keySep, sortKeys, level);
        } else if (value instanceof Map.Entry<?, ?> e) { // a dict item reaches templates as a 2-tuple
            writeList(out, List.of(String.valueOf(e.getKey()), e.getValue()), indent, itemSep, keySep, sortKeys, level);
        } else if (value instanceof Collection<?> c) {
            writeList(out, c, indent, itemSep, keySep, sortKeys, level);
        } else if (value instanceof Object[] a) {
            writeList(out, List.of(a), indent, itemSep, keySep, sortKeys, level);
        } else {
            // Python raises "Object of type X is not JSON serializable"; say which type instead of guessing.
            throw new IllegalArgumentException("tojson: a " + value.getClass().getSimpleName() + " is not JSON serializable");
        }
    }

    private static void writeMap(StringBuilder out, Map<?, ?> map, Integer indent, String itemSep, String keySep,
                                 boolean sortKeys, int level) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        if (sortKeys) entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : entries) {
            if (!first) out.append(itemSep);
            first = false;
            newline(out, indent, level + 1);
            writeString(out, keyText(e.getKey()));
            out.append(keySep);
            write(out, e.getValue(), indent, itemSep, keySep, sortKeys, level + 1);
        }
        newline(out, indent, level);
        out.append('}');
    }

    private static void writeList(StringBuilder out, Collection<?> items, Integer indent, String itemSep, String keySep,
                                  boolean sortKeys, int level) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : items) {
            if (!first) out.append(itemSep);
            first = false;
            newline(out, indent, level + 1);
            write(out, item, indent, itemSep, keySep, sortKeys, level + 1);
        }
        newline(out, indent, level);
        out.append(']');
    }

    /** json.dumps turns non-string keys into strings: True -> "true", None -> "null", 1.5 -> "1.5". */
    private static String keyText(Object key) {
        if (key == null) return "null";
        if (key instanceof Boolean b) return b ? "true" : "false";
        if (key instanceof Double || key instanceof Float) return pythonFloat(((Number) key).doubleValue());
        return key.toString();
    }

    private static void newline(StringBuilder out, Integer indent, int level) {
        if (indent == null) return;
        out.append('\n');
        out.append(" ".repeat(indent * level));
    }

    /** What ensure_ascii=True adds: every non-ASCII UTF-16 unit as a lower-case backslash-u escape (valid after dumps). */
    static String asciiOnly(String json) {
        StringBuilder out = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < 0x80) out.append(c);
            else out.append(String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }

    /** ensure_ascii=False: only quote, backslash and C0 controls are escaped; everything else is written as is. */
    static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    /**
     * Python's float repr: the shortest round-tripping digits (as Java's Double.toString gives since JDK 19),
     * positional for exponents -4..15, else {@code d.ddde+XX}. json.dumps writes NaN and Infinity bare.
     */
    static String pythonFloat(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "Infinity" : "-Infinity";
        if (v == 0) return (1 / v < 0) ? "-0.0" : "0.0";
        BigDecimal shortest = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale(); // decimal exponent of the first digit
        String sign = v < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = shortest.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }
}
