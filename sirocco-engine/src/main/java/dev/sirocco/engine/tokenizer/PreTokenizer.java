package dev.sirocco.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the words a byte-level BPE merges within, as llama.cpp's unicode_regex_split does: a chain of
 * steps, each cutting every piece the previous step left. The regexes llama.cpp runs through hand-written code
 * (GPT-2, Llama 3, Qwen 2) are hand-written here too; the others run as Java regexes over llama.cpp's "collapsed"
 * text (one marker character per Unicode category), so that {@code \p{L}}, {@code \p{N}} and {@code \s} mean
 * exactly what they mean there.
 */
final class PreTokenizer {

    /** One splitting pass: given code points and piece lengths, returns finer piece lengths covering the same text. */
    interface Step {
        List<Integer> split(int[] cps, char[] collapsed, List<Integer> pieces);
    }

    private final List<Step> steps;

    PreTokenizer(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /** The words of {@code text}, in order; their concatenation is {@code text}. */
    List<String> split(String text) {
        int[] cps = text.codePoints().toArray();
        char[] collapsed = new char[cps.length];
        for (int i = 0; i < cps.length; i++) {
            collapsed[i] = UnicodeClass.collapse(cps[i]);
        }
        List<Integer> pieces = new ArrayList<>();
        if (cps.length > 0) {
            pieces.add(cps.length);
        }
        for (Step step : steps) {
            pieces = step.split(cps, collapsed, pieces);
        }
        List<String> words = new ArrayList<>(pieces.size());
        int start = 0;
        for (int len : pieces) {
            words.add(new String(cps, start, len));
            start += len;
        }
        return words;
    }

    // ---- steps ---------------------------------------------------------------------------------------------

    private static final List<String> CATEGORIES = List.of("\\p{N}", "\\p{L}", "\\p{P}", "\\p{M}", "\\p{S}",
            "\\p{Lu}", "\\p{Ll}", "\\p{Lt}", "\\p{Lm}", "\\p{Lo}");

    /**
     * A regex from llama-vocab.cpp, run as llama.cpp runs it (std::regex there, java.util.regex here): over the
     * collapsed text when it uses Unicode categories, else over the code points with non-ASCII whitespace replaced
     * by 0x0B (llama.cpp's std::wregex path, whose {@code \s} only knows ASCII).
     */
    static Step regex(String llamaCppRegex) {
        boolean collapsedPath = CATEGORIES.stream().anyMatch(llamaCppRegex::contains);
        Pattern pattern = Pattern.compile(collapsedPath ? collapseRegex(llamaCppRegex) : llamaCppRegex);
        return (cps, collapsed, pieces) -> {
            String text;
            int[] charToCp = null; // code point index of each char, for the wide path
            if (collapsedPath) {
                text = new String(collapsed);
            } else {
                StringBuilder sb = new StringBuilder(cps.length);
                charToCp = new int[cps.length * 2 + 1];
                for (int i = 0; i < cps.length; i++) {
                    int cp = cps[i] > 0x7F && UnicodeClass.isWhitespace(cps[i]) ? 0x0B : cps[i];
                    charToCp[sb.length()] = i;
                    sb.appendCodePoint(cp);
                }
                charToCp[sb.length()] = cps.length;
                text = sb.toString();
            }
            int[] cpToChar = new int[cps.length + 1];
            for (int i = 0, c = 0; i <= cps.length; i++) {
                cpToChar[i] = c;
                if (i < cps.length) {
                    c += collapsedPath ? 1 : Character.charCount(text.codePointAt(c));
                }
            }
            List<Integer> out = new ArrayList<>();
            int start = 0;
            for (int len : pieces) {
                Matcher m = pattern.matcher(text);
                m.region(cpToChar[start], cpToChar[start + len]);
                int prev = start;
                while (m.find()) {
                    if (m.end() == m.start()) {
                        continue; // none of the supported regexes matches empty; be safe anyway
                    }
                    int ms = collapsedPath ? m.start() : charToCp[m.start()];
                    int me = collapsedPath ? m.end() : charToCp[m.end()];
                    if (ms > prev) {
                        out.add(ms - prev);
                    }
                    out.add(me - ms);
                    prev = me;
                }
                if (prev < start + len) {
                    out.add(start + len - prev);
                }
                start += len;
            }
            return out;
        };
    }

    /**
     * Rewrites {@code \p{..}} classes to the collapsed markers plus their ASCII members, as llama.cpp does
     * (inside brackets the members are spliced in; outside, a bracket expression is created).
     */
    static String collapseRegex(String regex) {
        StringBuilder sb = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '[' && (i == 0 || regex.charAt(i - 1) != '\\')) {
                sb.append('[');
                inside = true;
                continue;
            }
            if (inside && c == ']' && regex.charAt(i - 1) != '\\') {
                sb.append(']');
                inside = false;
                continue;
            }
            if (c == '\\' && i + 3 < regex.length() && regex.charAt(i + 1) == 'p' && regex.charAt(i + 2) == '{') {
                int close = regex.indexOf('}', i + 3);
                String members = close < 0 ? null : categoryMembers(regex.substring(i, close + 1));
                if (members != null) {
                    sb.append(inside ? members : "[" + members + "]");
                    i = close;
                    continue;
                }
            }
            if (c > 127) {
                throw new IllegalArgumentException("regex mixes unicode categories and non-ASCII characters: " + regex);
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static String categoryMembers(String category) {
        return switch (category) {
            case "\\p{N}" -> "\u00D10-9";
            case "\\p{L}", "\\p{Lu}", "\\p{Ll}", "\\p{Lt}", "\\p{Lm}", "\\p{Lo}" -> "\u00D2A-Za-z";
            case "\\p{P}" -> "\u00D3!-#%-*,-/:-;?-@\\[-\\]_\\{\\}";
            case "\\p{M}" -> "\u00D4";
            case "\\p{S}" -> "\u00D5\\$\\+<->\\^`\\|~";
            default -> null;
        };
    }

    /** Runs of newlines and runs of anything else (llama.cpp's "[^\n]+|[\n]+", used by Gemma 4). */
    static final Step NEWLINES = (cps, collapsed, pieces) -> {
        List<Integer> out = new ArrayList<>();
        int start = 0;
        for (int len : pieces) {
            int pos = start, end = start + len;
            while (pos < end) {
                boolean nl = cps[pos] == '\n';
                int runStart = pos;
                while (pos < end && (cps[pos] == '\n') == nl) {
                    pos++;
                }
                out.add(pos - runStart);
            }
            start = end;
        }
        return out;
    };

    /** GPT-2: {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}. */
    static final Step GPT2 = (cps, collapsed, pieces) -> {
        List<Integer> out = new ArrayList<>();
        int start = 0;
        for (int len : pieces) {
            new Scanner(cps, start, start + len, out, false).gpt2();
            start += len;
        }
        return out;
    };

    /** Llama 3: {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}. */
    static final Step LLAMA3 = llama3Like(3, false);

    /** Qwen 2: as Llama 3 with single digits ({@code \p{N}} instead of {@code \p{N}{1,3}}). */
    static final Step QWEN2 = llama3Like(1, false);

    /** Qwen 3.5: as Qwen 2 with combining marks counted as letters ({@code [\p{L}\p{M}]+}). */
    static final Step QWEN35 = llama3Like(1, true);

    private static Step llama3Like(int maxDigits, boolean marksAreLetters) {
        return (cps, collapsed, pieces) -> {
            List<Integer> out = new ArrayList<>();
            int start = 0;
            for (int len : pieces) {
                new Scanner(cps, start, start + len, out, marksAreLetters).llama3(maxDigits);
                start += len;
            }
            return out;
        };
    }

    /** A cursor over one piece, emitting word lengths; positions outside the piece have no class at all. */
    private static final class Scanner {
        private final int[] cps;
        private final int begin, end;
        private final List<Integer> out;
        private final boolean marksAreLetters;
        private int prevEnd;

        Scanner(int[] cps, int begin, int end, List<Integer> out, boolean marksAreLetters) {
            this.marksAreLetters = marksAreLetters;
            this.cps = cps;
            this.begin = begin;
            this.end = end;
            this.out = out;
            this.prevEnd = begin;
        }

        private boolean in(int p) { return p >= begin && p < end; }
        private int cp(int p) { return in(p) ? cps[p] : -1; }
        private boolean letter(int p) {
            return in(p) && (UnicodeClass.isLetter(cps[p]) || (marksAreLetters && UnicodeClass.isMark(cps[p])));
        }
        private boolean number(int p) { return in(p) && UnicodeClass.isNumber(cps[p]); }
        private boolean space(int p) { return in(p) && UnicodeClass.isWhitespace(cps[p]); }
        /** {@code [^\s\p{L}\p{N}]} at p, inside the piece. */
        private boolean other(int p) { return in(p) && !space(p) && !letter(p) && !number(p); }

        private int emit(int to) {
            int n = to - prevEnd;
            if (n > 0) {
                out.add(n);
            }
            prevEnd = to;
            return n;
        }

        /** Length of a contraction ('s 't 're 've 'm 'll 'd) at pos, 0 if none. */
        private int contraction(int pos, boolean ignoreCase) {
            if (cps[pos] != '\'' || pos + 1 >= end) {
                return 0;
            }
            int a = ignoreCase ? Character.toLowerCase(cp(pos + 1)) : cp(pos + 1);
            if (a == 's' || a == 't' || a == 'm' || a == 'd') {
                return 2;
            }
            if (pos + 2 < end) {
                int b = ignoreCase ? Character.toLowerCase(cp(pos + 2)) : cp(pos + 2);
                if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) {
                    return 3;
                }
            }
            return 0;
        }

        void gpt2() {
            int pos = begin;
            while (pos < end) {
                int c = cps[pos];
                int k = contraction(pos, false);
                if (k > 0) {
                    pos += emit(pos + k);
                    continue;
                }
                int p2 = c == ' ' ? pos + 1 : pos; // the optional leading space
                if (letter(p2)) {
                    pos = p2;
                    while (letter(pos)) {
                        pos++;
                    }
                    emit(pos);
                    continue;
                }
                if (number(p2)) {
                    pos = p2;
                    while (number(pos)) {
                        pos++;
                    }
                    emit(pos);
                    continue;
                }
                if (other(p2)) {
                    pos = p2;
                    while (other(pos)) {
                        pos++;
                    }
                    emit(pos);
                    continue;
                }
                int ws = 0;
                while (space(pos + ws)) {
                    ws++;
                }
                if (ws > 1 && in(pos + ws)) { // \s+(?!\S): leave the last space to the next word
                    pos += ws - 1;
                    emit(pos);
                    continue;
                }
                if (ws > 0) {
                    pos += ws;
                    emit(pos);
                    continue;
                }
                emit(++pos);
            }
        }

        void llama3(int maxDigits) {
            int pos = begin;
            while (pos < end) {
                int c = cps[pos];
                int k = contraction(pos, true);
                if (k > 0) {
                    pos += emit(pos + k);
                    continue;
                }
                // [^\r\n\p{L}\p{N}]?\p{L}+
                if (!(c == '\r' || c == '\n' || number(pos)) && (letter(pos) || letter(pos + 1))) {
                    pos++;
                    while (letter(pos)) {
                        pos++;
                    }
                    emit(pos);
                    continue;
                }
                // \p{N}{1,maxDigits}
                if (number(pos)) {
                    int groupStart = pos;
                    while (number(pos)) {
                        if (++pos - groupStart >= maxDigits) {
                            emit(pos);
                            groupStart = pos;
                        }
                    }
                    emit(pos);
                    continue;
                }
                // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
                int p2 = c == ' ' ? pos + 1 : pos;
                if (other(p2)) {
                    pos = p2;
                    while (other(pos)) {
                        pos++;
                    }
                    while (cp(pos) == '\r' || cp(pos) == '\n') {
                        pos++;
                    }
                    emit(pos);
                    continue;
                }
                int ws = 0;
                int lastNewlineEnd = 0;
                while (space(pos + ws)) {
                    int w = cps[pos + ws];
                    if (w == '\r' || w == '\n') {
                        lastNewlineEnd = pos + ws + 1;
                    }
                    ws++;
                }
                if (lastNewlineEnd > 0) { // \s*[\r\n]+
                    pos = lastNewlineEnd;
                    emit(pos);
                    continue;
                }
                if (ws > 1 && in(pos + ws)) { // \s+(?!\S)
                    pos += ws - 1;
                    emit(pos);
                    continue;
                }
                if (ws > 0) {
                    pos += ws;
                    emit(pos);
                    continue;
                }
                emit(++pos);
            }
        }
    }
}
