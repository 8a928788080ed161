package dev.sirocco.chat;

import java.beans.FeatureDescriptor;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Gives template expressions the Python {@code str} and {@code dict} methods that chat templates call
 * ({@code content.startswith('<tool_response>')}, {@code content.split('</think>')[-1].lstrip('\n')},
 * {@code tool.items()}) and string indexing ({@code text[-1]}); Jinjava would otherwise find Java's methods, which
 * differ in name or meaning.
 */
final class PythonMethodResolver extends ELResolver {

    private static final Set<String> STRING_METHODS = Set.of(
            "startswith", "endswith", "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines",
            "upper", "lower", "title", "capitalize", "replace", "find", "rfind", "count", "join",
            "removeprefix", "removesuffix", "format", "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper");
    private static final Set<String> DICT_METHODS = Set.of("items", "keys", "values", "get");

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base == null || method == null) return null;
        String name = method.toString();
        Object[] args = params == null ? new Object[0] : params;
        if (base instanceof CharSequence s && STRING_METHODS.contains(name)) {
            context.setPropertyResolved(true);
            return stringMethod(s.toString(), name, args);
        }
        if (base instanceof Map<?, ?> map && DICT_METHODS.contains(name)) {
            context.setPropertyResolved(true);
            return dictMethod(map, name, args);
        }
        return null;
    }

    private static Object dictMethod(Map<?, ?> map, String name, Object[] args) {
        return switch (name) {
            // Entries, not pairs as lists: Jinjava's for-tag unpacks Map.Entry into "key, value".
            case "items" -> {
                List<Map.Entry<?, ?>> items = new ArrayList<>();
                for (Map.Entry<?, ?> e : map.entrySet()) items.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
                yield items;
            }
            case "keys" -> new ArrayList<>(map.keySet());
            case "values" -> new ArrayList<>(map.values());
            case "get" -> map.containsKey(arg(args, 0)) ? map.get(arg(args, 0)) : arg(args, 1);
            default -> throw new IllegalStateException(name);
        };
    }

    static Object stringMethod(String s, String name, Object[] args) {
        return switch (name) {
            case "startswith" -> anyAffix(arg(args, 0), s::startsWith);
            case "endswith" -> anyAffix(arg(args, 0), s::endsWith);
            case "strip" -> PythonStrings.strip(s, charsArg(args), true, true);
            case "lstrip" -> PythonStrings.strip(s, charsArg(args), true, false);
            case "rstrip" -> PythonStrings.strip(s, charsArg(args), false, true);
            case "split" -> PythonStrings.split(s, charsArg(args), intArg(args, 1, -1));
            case "rsplit" -> PythonStrings.rsplit(s, charsArg(args), intArg(args, 1, -1));
            case "splitlines" -> PythonStrings.splitlines(s);
            case "upper" -> s.toUpperCase(java.util.Locale.ROOT);
            case "lower" -> s.toLowerCase(java.util.Locale.ROOT);
            case "title" -> PythonStrings.title(s);
            case "capitalize" -> s.isEmpty() ? s
                    : s.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + s.substring(1).toLowerCase(java.util.Locale.ROOT);
            case "replace" -> PythonStrings.replace(s, str(args, 0), str(args, 1), intArg(args, 2, -1));
            case "find" -> (long) s.indexOf(str(args, 0));
            case "rfind" -> (long) s.lastIndexOf(str(args, 0));
            case "count" -> PythonStrings.count(s, str(args, 0));
            case "join" -> PythonStrings.join(s, arg(args, 0));
            case "removeprefix" -> s.startsWith(str(args, 0)) ? s.substring(str(args, 0).length()) : s;
            case "removesuffix" -> !str(args, 0).isEmpty() && s.endsWith(str(args, 0))
                    ? s.substring(0, s.length() - str(args, 0).length()) : s;
            case "format" -> PythonStrings.format(s, args);
            case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.isEmpty() && s.chars().allMatch(c -> PythonStrings.isSpace((char) c));
            case "islower" -> s.chars().anyMatch(Character::isLowerCase) && s.equals(s.toLowerCase(java.util.Locale.ROOT));
            case "isupper" -> s.chars().anyMatch(Character::isUpperCase) && s.equals(s.toUpperCase(java.util.Locale.ROOT));
            default -> throw new IllegalStateException(name);
        };
    }

    /** Python's startswith/endswith take a string or a tuple of strings. */
    private static boolean anyAffix(Object affix, java.util.function.Predicate<String> test) {
        if (affix instanceof Collection<?> options) {
            for (Object o : options) if (test.test(String.valueOf(o))) return true;
            return false;
        }
        if (affix == null) throw new IllegalArgumentException("startswith/endswith need an argument");
        return test.test(affix.toString());
    }

    private static Object arg(Object[] args, int i) {
        return i < args.length ? args[i] : null;
    }

    private static String str(Object[] args, int i) {
        Object a = arg(args, i);
        if (a == null) throw new IllegalArgumentException("missing string argument " + (i + 1));
        return a.toString();
    }

    private static String charsArg(Object[] args) {
        Object a = arg(args, 0);
        return a == null ? null : a.toString();
    }

    private static int intArg(Object[] args, int i, int absent) {
        Object a = arg(args, i);
        return a instanceof Number n ? n.intValue() : absent;
    }

    /** {@code text[i]}, negative i counting from the end as in Python; Jinjava has no string indexing. */
    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        if (base instanceof PythonForTag.PythonLoop loop && property != null) {
            switch (property.toString()) {
                case "previtem" -> {
                    context.setPropertyResolved(true);
                    return loop.previtem();
                }
                case "nextitem" -> {
                    context.setPropertyResolved(true);
                    return loop.nextitem();
                }
                default -> {
                    return null;
                }
            }
        }
        if (!(base instanceof CharSequence s) || property == null) return null;
        long index;
        if (property instanceof Number n) {
            index = n.longValue();
        } else {
            try {
                index = Long.parseLong(property.toString());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (index < 0) index += s.length();
        context.setPropertyResolved(true);
        if (index < 0 || index >= s.length()) throw new IndexOutOfBoundsException("string index out of range: " + property);
        return String.valueOf(s.charAt((int) index));
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
