package dev.sirocco.evals.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A word-level diff (longest common subsequence over words and the whitespace between them) rendered as HTML
 * with {@code <del>} for baseline-only and {@code <ins>} for new text; used by the HTML report.
 */
final class WordDiff {
    /** Above this many LCS cells the diff is skipped (the report then shows both texts whole). */
    static final long MAX_CELLS = 4_000_000;

    private WordDiff() {
    }

    /** HTML of the change from {@code before} to {@code after}, or null if the texts are too long to diff. */
    static String html(String before, String after) {
        List<String> a = words(before);
        List<String> b = words(after);
        if ((long) a.size() * b.size() > MAX_CELLS) {
            return null;
        }
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        StringBuilder out = new StringBuilder();
        StringBuilder del = new StringBuilder();
        StringBuilder ins = new StringBuilder();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                flush(out, del, ins);
                out.append(HtmlReport.esc(a.get(i)));
                i++;
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                ins.append(b.get(j++));
            } else {
                del.append(a.get(i++));
            }
        }
        flush(out, del, ins);
        return out.toString();
    }

    private static void flush(StringBuilder out, StringBuilder del, StringBuilder ins) {
        if (!del.isEmpty()) {
            out.append("<del>").append(HtmlReport.esc(del.toString())).append("</del>");
            del.setLength(0);
        }
        if (!ins.isEmpty()) {
            out.append("<ins>").append(HtmlReport.esc(ins.toString())).append("</ins>");
            ins.setLength(0);
        }
    }

    /** Words and the whitespace runs between them, so joining the list gives the text back. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= s.length(); i++) {
            if (i == s.length() || Character.isWhitespace(s.charAt(i)) != Character.isWhitespace(s.charAt(start))) {
                out.add(s.substring(start, i));
                start = i;
            }
        }
        return out;
    }
}
