package dev.sirocco.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the special tokens out of a text before the model's algorithm sees it (llama.cpp's tokenizer_st_partition):
 * each special token, longest first, is searched in every remaining text fragment. User-defined tokens are always
 * cut out; control and unknown tokens only when the caller asks to parse special tokens.
 */
final class SpecialTokenSplitter {

    /** Either raw text ({@code token == -1}) or one special token. */
    record Fragment(String text, int token) {
        boolean isText() {
            return token < 0;
        }
    }

    private final TokenTable table;

    SpecialTokenSplitter(TokenTable table) {
        this.table = table;
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(new Fragment(text, -1));
        for (int id : table.specialCache) {
            if (!parseSpecial && table.has(id, TokenAttr.CONTROL | TokenAttr.UNKNOWN)) {
                continue;
            }
            String special = table.texts[id];
            List<Fragment> next = null;
            for (int f = 0; f < fragments.size(); f++) {
                Fragment fragment = fragments.get(f);
                if (!fragment.isText() || fragment.text().indexOf(special) < 0) {
                    if (next != null) {
                        next.add(fragment);
                    }
                    continue;
                }
                if (next == null) {
                    next = new ArrayList<>(fragments.subList(0, f));
                }
                cut(fragment.text(), special, id, next);
            }
            if (next != null) {
                fragments = next;
            }
        }
        return fragments;
    }

    private void cut(String text, String special, int id, List<Fragment> out) {
        boolean lstrip = table.has(id, TokenAttr.LSTRIP);
        boolean rstrip = table.has(id, TokenAttr.RSTRIP);
        int from = 0;
        int end = text.length();
        while (from < end) {
            int match = text.indexOf(special, from);
            if (match < 0) {
                out.add(new Fragment(text.substring(from, end), -1));
                return;
            }
            int leftEnd = match;
            if (lstrip) {
                while (leftEnd > from && isAsciiSpace(text.charAt(leftEnd - 1))) {
                    leftEnd--;
                }
            }
            if (leftEnd > from) {
                out.add(new Fragment(text.substring(from, leftEnd), -1));
            }
            out.add(new Fragment(special, id));
            from = match + special.length();
            if (rstrip) {
                while (from < end && isAsciiSpace(text.charAt(from))) {
                    from++;
                }
            }
        }
    }

    /** C's isspace in the "C" locale, which llama.cpp uses for lstrip/rstrip. */
    private static boolean isAsciiSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
