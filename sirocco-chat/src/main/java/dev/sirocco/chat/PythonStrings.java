package dev.sirocco.chat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Python {@code str} semantics that differ from Java's: whitespace set, split, strip with a char set, title case. */
final class PythonStrings {

    private PythonStrings() {
    }

    /** Python's str.isspace for one char: ASCII whitespace, the file/group/record/unit separators, and Unicode spaces. */
    static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) || c == 0x85
                || Character.isSpaceChar(c);
    }

    static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        if (left) while (start < end && stripped(s.charAt(start), chars)) start++;
        if (right) while (end > start && stripped(s.charAt(end - 1), chars)) end--;
        return s.substring(start, end);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
    }

    /** str.split(sep, maxsplit): with no sep, runs of whitespace separate and empty pieces are dropped. */
    static List<String> split(String s, String sep, int maxsplit) {
        List<String> out = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && isSpace(s.charAt(i))) i++;
                if (i >= n) break;
                if (maxsplit >= 0 && out.size() == maxsplit) {
                    out.add(s.substring(i)); // Python keeps the rest's trailing whitespace
                    break;
                }
                int j = i;
                while (j < n && !isSpace(s.charAt(j))) j++;
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        if (sep.isEmpty()) throw new IllegalArgumentException("split: empty separator");
        int from = 0;
        while (maxsplit < 0 || out.size() < maxsplit) {
            int at = s.indexOf(sep, from);
            if (at < 0) break;
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    static List<String> rsplit(String s, String sep, int maxsplit) {
        if (sep == null || maxsplit < 0) return split(s, sep, maxsplit);
        if (sep.isEmpty()) throw new IllegalArgumentException("rsplit: empty separator");
        List<String> out = new ArrayList<>();
        int end = s.length();
        while (out.size() < maxsplit) {
            int at = s.lastIndexOf(sep, end - sep.length());
            if (at < 0) break;
            out.add(s.substring(at + sep.length(), end));
            end = at;
        }
        out.add(s.substring(0, end));
        Collections.reverse(out);
        return out;
    }

    static List<String> splitlines(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || (c >= 0x1c && c <= 0x1e) || c == 0x85
                    || c == 0x2028 || c == 0x2029) {
                out.add(s.substring(start, i));
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') i++;
                start = i + 1;
            }
        }
        if (start < s.length()) out.add(s.substring(start));
        return out;
    }

    /** str.title(): a letter after a non-letter is upper-cased, every other letter lower-cased ("3rd" -> "3Rd"). */
    static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetter(c)) {
                out.append(previousCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
                previousCased = true;
            } else {
                out.append(c);
                previousCased = false;
            }
        }
        return out.toString();
    }

    static String replace(String s, String old, String replacement, int count) {
        if (count < 0) return s.replace(old, replacement);
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int done = 0; done < count; done++) {
            int at = old.isEmpty() ? (from <= s.length() ? from : -1) : s.indexOf(old, from);
            if (at < 0) break;
            out.append(s, from, at).append(replacement);
            if (old.isEmpty()) {
                if (at < s.length()) out.append(s.charAt(at));
                from = at + 1;
            } else {
                from = at + old.length();
            }
        }
        if (from < s.length()) out.append(s.substring(from));
        return out.toString();
    }

    /**
     * str.format with positional fields: "{}" and "{0}", "{{" and "}}" for braces; values through str(). Format
     * specs and named fields are not supported (no chat template seen uses them) and fail clearly.
     */
    static String format(String pattern, Object[] args) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '{' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '{') {
                out.append('{');
                i++;
            } else if (c == '}' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '}') {
                out.append('}');
                i++;
            } else if (c == '{') {
                int close = pattern.indexOf('}', i);
                if (close < 0) throw new IllegalArgumentException("format: single '{' in " + pattern);
                String field = pattern.substring(i + 1, close);
                int index = field.isEmpty() ? next++ : parseIndex(field, pattern);
                if (index >= args.length) throw new IllegalArgumentException("format: no argument " + index + " for " + pattern);
                out.append(args[index] == null ? "None" : PythonRepr.str(args[index]));
                i = close;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int parseIndex(String field, String pattern) {
        try {
            return Integer.parseInt(field);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("format: only positional fields are supported, not {" + field + "} in " + pattern);
        }
    }

    static long count(String s, String sub) {
        if (sub.isEmpty()) return s.length() + 1L;
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) n++;
        return n;
    }

    static String join(String separator, Object items) {
        List<String> parts = new ArrayList<>();
        if (items instanceof Map<?, ?> map) {
            for (Object k : map.keySet()) parts.add(String.valueOf(k));
        } else if (items instanceof Iterable<?> it) {
            for (Object o : it) parts.add(String.valueOf(o));
        } else if (items instanceof CharSequence cs) {
            cs.chars().forEach(c -> parts.add(String.valueOf((char) c)));
        } else {
            throw new IllegalArgumentException("join: can only join an iterable");
        }
        return String.join(separator, parts);
    }
}
