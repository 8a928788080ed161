package dev.sirocco.chat;

/**
 * Applies Jinja2's whitespace rules to a template's source, so that the rewritten source renders the same text
 * without any whitespace control: what transformers sets ({@code trim_blocks=True, lstrip_blocks=True}) and the
 * {@code -} / {@code +} tag modifiers. Comments are removed.
 *
 * <p>Jinjava's own trim/lstrip differ from Jinja2 in ways that change prompts: it strips before a block tag that is
 * not first on its line ({@code " y {% endif %}"} loses the space) and, after a {@code -%}}, also strips the text that
 * follows a comment. The rules applied here, from Jinja2's lexer:
 * <ul>
 *   <li>{@code {%-}, {@code {{-}, {@code {#-}: the whitespace before the tag is removed (newlines too);
 *       {@code -%}}, {@code -}}}, {@code -#}}: the whitespace after it.</li>
 *   <li>lstrip_blocks: before {@code {%} and {@code {#} (not {@code {{}, not with {@code +}), spaces and tabs between
 *       the start of the line and the tag are removed, when nothing else precedes the tag on its line.</li>
 *   <li>trim_blocks: after {@code %}} and {@code #}} (not with {@code +}), one newline is removed.</li>
 * </ul>
 * The source must already have "\n" line endings. {@code {% raw %}} sections are kept as they are. Tags keep their
 * line numbers (removed newlines are put back inside empty comments), so errors point at the template's lines.
 */
final class Jinja2Whitespace {

    private Jinja2Whitespace() {
    }

    /** A template source the rewriting could not split into text and tags (an unclosed tag). */
    static final class UnclosedTagException extends IllegalArgumentException {
        UnclosedTagException(String message) {
            super(message);
        }
    }

    static String rewrite(String source) {
        StringBuilder out = new StringBuilder(source.length());
        StringBuilder text = new StringBuilder(); // text since the last tag, whitespace rules still to apply
        int textStart = 0; // where that text starts in the source, for "is the tag first on its line"
        boolean stripNextText = false; // the previous tag ended with "-"
        int i = 0;
        int n = source.length();
        while (i < n) {
            int open = nextTagStart(source, i);
            if (open < 0) {
                text.append(source, i, n);
                break;
            }
            text.append(source, i, open);
            char kind = source.charAt(open + 1); // '{', '%' or '#'
            int close = tagEnd(source, open, kind);
            boolean leftMinus = open + 2 < n && source.charAt(open + 2) == '-';
            boolean leftPlus = open + 2 < n && source.charAt(open + 2) == '+';
            char modifier = source.charAt(close - 2); // "-" or "+" in "-%}", "+%}", "-}}"
            boolean rightMinus = close - 2 > open + 2 && modifier == '-';
            boolean rightPlus = close - 2 > open + 2 && modifier == '+';

            // The text before this tag: strip its start if the previous tag said "-", its end by this tag's rules.
            String t = text.toString();
            boolean lineStart = textStart == 0 || source.charAt(textStart - 1) == '\n';
            if (stripNextText) {
                int k = 0;
                while (k < t.length() && Character.isWhitespace(t.charAt(k))) k++;
                if (k > 0) lineStart = t.charAt(k - 1) == '\n'; // Jinja2: the previous match ended a line
                t = t.substring(k);
            }
            if (leftMinus) {
                t = t.stripTrailing();
            } else if (!leftPlus && kind != '{') {
                int lineBegin = t.lastIndexOf('\n') + 1;
                if ((lineBegin > 0 || lineStart) && isBlank(t, lineBegin)) t = t.substring(0, lineBegin);
            }
            appendText(out, t);
            text.setLength(0);
            if (kind != '#') keepLineNumbers(out, source, open);

            String inner = source.substring(open + 2 + (leftMinus || leftPlus ? 1 : 0),
                    close - 1 - (rightMinus || rightPlus ? 1 : 0));
            int after = close + 1;
            if (kind == '%' && inner.strip().equals("raw")) {
                int endRaw = findEndRaw(source, after);
                out.append("{% raw %}");
                // The raw text is literal; Jinja2 applies the endraw tag's "-" to it, but raw sections in chat
                // templates are rare enough that only the common form (no modifiers inside) is supported.
                out.append(source, after, endRaw);
                out.append("{% endraw %}");
                int endRawClose = source.indexOf("%}", endRaw) + 2;
                char endRawBeforeClose = source.charAt(endRawClose - 3);
                rightMinus = endRawBeforeClose == '-';
                rightPlus = endRawBeforeClose == '+';
                after = endRawClose;
            } else if (kind == '{') {
                out.append("{{").append(inner).append("}}");
            } else if (kind == '%') {
                out.append("{%").append(inner).append("%}");
            } // comments vanish

            if (!rightMinus && !rightPlus && kind != '{' && after < n && source.charAt(after) == '\n') after++;
            stripNextText = rightMinus;
            textStart = after;
            i = after;
        }
        String t = text.toString();
        if (stripNextText) t = t.stripLeading();
        appendText(out, t);
        return out.toString();
    }

    /**
     * Pads with an empty multi-line comment so that the tag starting at {@code sourceOffset} sits on the same line
     * as in the source: Jinjava's error messages then give the template's own line numbers.
     */
    private static void keepLineNumbers(StringBuilder out, String source, int sourceOffset) {
        long missing = source.substring(0, sourceOffset).chars().filter(c -> c == '\n').count()
                - out.chars().filter(c -> c == '\n').count();
        if (missing > 0) out.append("{#").append("\n".repeat((int) missing)).append("#}");
    }

    /**
     * Text ending in "{" would join the next tag (or, once a comment is gone, the next text) into a new tag start
     * such as "{{%"; that brace is written as an expression instead.
     */
    private static void appendText(StringBuilder out, String text) {
        if (text.endsWith("{")) {
            out.append(text, 0, text.length() - 1).append("{{ '{' }}");
        } else {
            out.append(text);
        }
    }

    private static boolean isBlank(String s, int from) {
        for (int k = from; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != 0x0b) return false;
        }
        return true;
    }

    private static int nextTagStart(String s, int from) {
        for (int k = s.indexOf('{', from); k >= 0 && k + 1 < s.length(); k = s.indexOf('{', k + 1)) {
            char c = s.charAt(k + 1);
            if (c == '{' || c == '%' || c == '#') return k;
        }
        return -1;
    }

    /** Index of the tag's final '}' ; quoted strings inside {{ }} and {% %} may hold "}}" or "%}". */
    private static int tagEnd(String s, int open, char kind) {
        char endMark = kind == '{' ? '}' : kind;
        char quote = 0;
        for (int k = open + 2; k + 1 < s.length(); k++) {
            char c = s.charAt(k);
            if (kind != '#' && quote != 0) {
                if (c == '\\') k++;
                else if (c == quote) quote = 0;
            } else if (kind != '#' && (c == '\'' || c == '"')) {
                quote = c;
            } else if (c == endMark && s.charAt(k + 1) == '}') {
                return k + 1;
            }
        }
        throw new UnclosedTagException("unclosed " + s.substring(open, Math.min(s.length(), open + 2)) + " tag at offset "
                + open + ": " + s.substring(open, Math.min(s.length(), open + 40)));
    }

    private static int findEndRaw(String s, int from) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{%[-+]?\\s*endraw\\s*[-+]?%}").matcher(s);
        if (!m.find(from)) throw new UnclosedTagException("{% raw %} without {% endraw %}");
        return m.start();
    }
}
