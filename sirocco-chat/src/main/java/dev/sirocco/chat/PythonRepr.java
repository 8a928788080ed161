package dev.sirocco.chat;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Python's {@code str()} and {@code repr()} of template values, which is what Jinja2 prints for {@code {{ x }}}:
 * {@code True}, {@code 2.0}, {@code ['a', None]}, {@code {'k': 1}} (Jinjava would print true, [a, null], {k=1}).
 */
final class PythonRepr {

    private PythonRepr() {
    }

    static String str(Object v) {
        if (v instanceof CharSequence s) return s.toString();
        return repr(v);
    }

    static String repr(Object v) {
        if (v == null) return "None";
        if (v instanceof Boolean b) return b ? "True" : "False";
        if (v instanceof Double || v instanceof Float) return floatRepr(((Number) v).doubleValue());
        if (v instanceof Number n) return n.toString();
        if (v instanceof CharSequence s) return quote(s.toString());
        if (v instanceof Map.Entry<?, ?> e) return "(" + repr(e.getKey()) + ", " + repr(e.getValue()) + ")";
        if (v instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) out.append(", ");
                first = false;
                out.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
            }
            return out.append('}').toString();
        }
        if (v instanceof Collection<?> c) {
            boolean set = v instanceof Set<?>;
            if (set && c.isEmpty()) return "set()";
            StringBuilder out = new StringBuilder(set ? "{" : "[");
            boolean first = true;
            for (Object o : c) {
                if (!first) out.append(", ");
                first = false;
                out.append(repr(o));
            }
            return out.append(set ? '}' : ']').toString();
        }
        return v.toString();
    }

    /** Python float repr, except that str/repr write inf and nan where JSON writes Infinity and NaN. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        return PythonJson.pythonFloat(d);
    }

    /** repr of a str: single quotes unless the text has ' and no ", backslash escapes for the rest. */
    static String quote(String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == q || c == '\\') out.append('\\').append(c);
            else if (c == '\n') out.append("\\n");
            else if (c == '\r') out.append("\\r");
            else if (c == '\t') out.append("\\t");
            else if (c < 0x20 || c == 0x7f) out.append(String.format("\\x%02x", (int) c));
            else out.append(c);
        }
        return out.append(q).toString();
    }
}
