package dev.sirocco.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The globals, filters and tests that transformers adds to Jinja2 for chat templates ({@code raise_exception},
 * {@code strftime_now}, {@code tojson}), and Python-exact replacements for Jinjava built-ins that differ
 * ({@code trim}, {@code iterable}).
 */
final class TemplateFunctions {

    private TemplateFunctions() {
    }

    /** What a template's {@code raise_exception(msg)} throws; the renderer reports it with the template's name. */
    static final class RaisedException extends RuntimeException {
        RaisedException(String message) {
            super(message);
        }
    }

    /** The value bound to a global function's name, so that "is defined" holds; calls still reach the function. */
    static final String DEFINED_FUNCTION = "<built-in function>";

    static void register(Jinjava jinjava) {
        jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", TemplateFunctions.class,
                "raiseException", Object.class));
        jinjava.registerFunction(new ELFunctionDefinition("", "strftime_now", TemplateFunctions.class,
                "strftimeNow", Object.class));
        jinjava.registerFilter(new ToJson());
        jinjava.registerFilter(new Trim());
        jinjava.registerFilter(new Items());
        jinjava.registerFilter(new PyString());
        jinjava.registerFilter(new Extreme("min", -1));
        jinjava.registerFilter(new Extreme("max", 1));
        jinjava.registerExpTest(new Iterable());
        jinjava.registerTag(new Generation());
        jinjava.registerTag(new PythonForTag());
    }

    public static Object raiseException(Object message) {
        throw new RaisedException(String.valueOf(message));
    }

    public static String strftimeNow(Object format) {
        return strftime(String.valueOf(format), LocalDateTime.now());
    }

    /** Python's strftime for the directives templates use (Llama 3.1 uses "%d %b %Y"); C locale names. */
    static String strftime(String format, LocalDateTime t) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char d = format.charAt(++i);
            switch (d) {
                case 'Y' -> out.append(t.getYear());
                case 'y' -> out.append(String.format("%02d", t.getYear() % 100));
                case 'm' -> out.append(String.format("%02d", t.getMonthValue()));
                case 'd' -> out.append(String.format("%02d", t.getDayOfMonth()));
                case 'e' -> out.append(String.format("%2d", t.getDayOfMonth()));
                case 'H' -> out.append(String.format("%02d", t.getHour()));
                case 'I' -> out.append(String.format("%02d", (t.getHour() + 11) % 12 + 1));
                case 'M' -> out.append(String.format("%02d", t.getMinute()));
                case 'S' -> out.append(String.format("%02d", t.getSecond()));
                case 'p' -> out.append(t.getHour() < 12 ? "AM" : "PM");
                case 'j' -> out.append(String.format("%03d", t.getDayOfYear()));
                case 'B' -> out.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'b', 'h' -> out.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case '%' -> out.append('%');
                default -> out.append('%').append(d);
            }
        }
        return out.toString();
    }

    /** transformers' tojson: {@code json.dumps(x, ensure_ascii=False, indent=, separators=, sort_keys=)}. */
    static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, (Object[]) args, Map.of());
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
            Integer indentSpaces = indent instanceof Number n ? n.intValue()
                    : indent instanceof String s && !s.isEmpty() ? Integer.parseInt(s) : null;
            List<String> separators = null;
            if (kwargs.get("separators") instanceof Collection<?> seps && seps.size() == 2) {
                separators = seps.stream().map(String::valueOf).toList();
            }
            boolean sortKeys = Boolean.TRUE.equals(kwargs.get("sort_keys"));
            String json = PythonJson.dumps(var, indentSpaces, separators, sortKeys);
            return Boolean.TRUE.equals(kwargs.get("ensure_ascii")) ? PythonJson.asciiOnly(json) : json;
        }
    }

    /** Jinja2's trim is Python's str.strip(chars); Jinjava's strips only chars up to U+0020. */
    static final class Trim implements Filter {
        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) return "";
            String chars = args.length > 0 ? args[0] : null;
            return PythonStrings.strip(var.toString(), chars, true, true);
        }
    }

    /** Jinja2's {@code |string}: Python's str() ({@code {'type': 'function'}}, not Java's {@code {type=function}}). */
    static final class PyString implements Filter {
        @Override
        public String getName() {
            return "string";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return var == null ? "" : PythonRepr.str(var);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            return filter(var, interpreter);
        }
    }

    /** Jinja2's {@code |min} and {@code |max} over numbers or strings; an empty sequence gives undefined. */
    static final class Extreme implements Filter {
        private final String name;
        private final int sign;

        Extreme(String name, int sign) {
            this.name = name;
            this.sign = sign;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            Object best = null;
            for (Object item : PythonForTag.materialize(var)) {
                if (best == null || sign * compare(item, best) > 0) best = item;
            }
            return best;
        }

        private static int compare(Object a, Object b) {
            if (a instanceof Number x && b instanceof Number y) return Double.compare(x.doubleValue(), y.doubleValue());
            if (a instanceof CharSequence && b instanceof CharSequence) {
                return a.toString().compareToIgnoreCase(b.toString()); // Jinja2's case_sensitive=False default
            }
            throw new IllegalArgumentException("cannot compare " + PythonRepr.repr(a) + " and " + PythonRepr.repr(b));
        }
    }

    /** Jinja2's {@code |items}: a mapping's (key, value) pairs, which a for-loop unpacks into two names. */
    static final class Items implements Filter {
        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) return List.of();
            if (!(var instanceof Map<?, ?> map)) throw new IllegalArgumentException("items: not a mapping: " + var);
            List<Map.Entry<?, ?>> items = new java.util.ArrayList<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                items.add(new java.util.AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
            }
            return items;
        }
    }

    /**
     * transformers' {@code {% generation %}...{% endgeneration %}} marks the assistant's tokens for training masks;
     * for rendering it only outputs its body.
     */
    static final class Generation implements com.hubspot.jinjava.lib.tag.Tag {
        private static final long serialVersionUID = 1L;

        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String interpret(com.hubspot.jinjava.tree.TagNode tagNode, JinjavaInterpreter interpreter) {
            StringBuilder out = new StringBuilder();
            for (com.hubspot.jinjava.tree.Node child : tagNode.getChildren()) {
                out.append(child.render(interpreter).getValue());
            }
            return out.toString();
        }
    }

    /** Jinja2's "is iterable": strings and mappings are iterable in Python, Jinjava says no. */
    static final class Iterable implements ExpTest {
        @Override
        public String getName() {
            return "iterable";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return var instanceof CharSequence || var instanceof java.lang.Iterable<?> || var instanceof Map<?, ?>
                    || (var != null && var.getClass().isArray());
        }
    }
}
