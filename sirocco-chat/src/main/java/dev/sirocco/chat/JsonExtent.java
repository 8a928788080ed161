package dev.sirocco.chat;

/**
 * Finds where a JSON object or array that starts in a longer text ends, without parsing it, so a tool-call parser can
 * tell "complete", "not yet complete" and "cannot be JSON" apart while text is still arriving.
 */
final class JsonExtent {
    /** The text ends inside the value: more text may complete it. */
    static final int INCOMPLETE = -1;
    /** The text at this position cannot be the start of a JSON object or array. */
    static final int INVALID = -2;

    private JsonExtent() {
    }

    /**
     * @param from where the value starts (whitespace before it is skipped)
     * @return the index just past the value's closing bracket, {@link #INCOMPLETE} or {@link #INVALID}. Only the
     *         structure is checked (brackets, strings, characters allowed outside strings); the caller parses the
     *         extent to know it is valid JSON.
     */
    static int scan(CharSequence text, int from) {
        int i = skipWhitespace(text, from);
        if (i == text.length()) {
            return INCOMPLETE;
        }
        char first = text.charAt(i);
        if (first != '{' && first != '[') {
            return INVALID;
        }
        // Brackets seen and not yet closed, as a stack of closing characters.
        StringBuilder open = new StringBuilder();
        boolean inString = false;
        boolean escaped = false;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                } else if (c < 0x20) {
                    return INVALID; // JSON strings hold no raw control characters
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '{' -> open.append('}');
                case '[' -> open.append(']');
                case '}', ']' -> {
                    if (open.isEmpty() || open.charAt(open.length() - 1) != c) {
                        return INVALID;
                    }
                    open.setLength(open.length() - 1);
                    if (open.isEmpty()) {
                        return i + 1;
                    }
                }
                default -> {
                    if (!allowedOutsideStrings(c)) {
                        return INVALID;
                    }
                }
            }
        }
        return INCOMPLETE;
    }

    static int skipWhitespace(CharSequence text, int from) {
        int i = from;
        while (i < text.length() && isJsonWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    static boolean isJsonWhitespace(char c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    // Separators, numbers and the letters of true, false and null.
    private static boolean allowedOutsideStrings(char c) {
        return isJsonWhitespace(c) || c == ':' || c == ',' || (c >= '0' && c <= '9') || c == '-' || c == '+'
                || c == '.' || "truefalsnE".indexOf(c) >= 0;
    }
}
