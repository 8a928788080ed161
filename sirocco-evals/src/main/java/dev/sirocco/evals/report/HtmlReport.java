package dev.sirocco.evals.report;

import dev.sirocco.evals.run.CaseRun;
import dev.sirocco.evals.run.CaseSummary;
import dev.sirocco.evals.run.EvalReport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A self-contained HTML page (inline CSS and SVG, no scripts, nothing fetched): a matrix of (prompt, test)
 * rows by provider columns with each cell's pass count, score and first output, a word diff against the
 * baseline's output where it changed, and a bar chart of each provider's mean score.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static String toHtml(EvalReport report, BaselineComparison comparison) {
        Set<String> providers = new LinkedHashSet<>();
        Map<String, Map<String, CaseSummary>> rows = new LinkedHashMap<>(); // "prompt | test" -> provider -> case
        for (CaseSummary c : report.cases()) {
            providers.add(c.provider());
            rows.computeIfAbsent(c.prompt() + " | " + c.test(), k -> new LinkedHashMap<>()).put(c.provider(), c);
        }
        Map<String, CaseRun> firstRun = new LinkedHashMap<>();
        report.runs().forEach(r -> firstRun.putIfAbsent(r.key(), r));
        Map<String, BaselineComparison.Change> changes = new LinkedHashMap<>();
        if (comparison != null) {
            comparison.changes().forEach(c -> changes.put(c.key(), c));
        }

        StringBuilder h = new StringBuilder();
        String title = report.description() == null ? "sirocco eval" : report.description();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
                .append("<title>").append(esc(title)).append("</title><style>")
                .append("body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
                .append("th,td{border:1px solid #ccc;padding:6px;vertical-align:top;max-width:32em}")
                .append("td.pass{background:#e6f4ea}td.fail{background:#fce8e6}td.flaky{background:#fef7e0}")
                .append("pre{white-space:pre-wrap;margin:4px 0;font-size:12px}.diff{border-left:3px solid #aaa;padding-left:4px}")
                .append("del{background:#f9d0cc}ins{background:#c8efd2;text-decoration:none}")
                .append(".reg{color:#b00020;font-weight:bold}.imp{color:#137333;font-weight:bold}")
                .append("</style></head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n");
        h.append("<p id=\"summary\">").append(report.passedRuns()).append(" of ").append(report.runs().size())
                .append(" runs passed, ").append(report.erroredRuns()).append(" errors, repeat ").append(report.repeat())
                .append(".</p>\n");
        h.append(chart(report, providers));
        h.append("<table id=\"matrix\"><thead><tr><th>prompt | test</th>");
        providers.forEach(p -> h.append("<th>").append(esc(p)).append("</th>"));
        h.append("</tr></thead><tbody>\n");
        rows.forEach((row, byProvider) -> {
            h.append("<tr><th>").append(esc(row)).append("</th>");
            for (String p : providers) {
                CaseSummary c = byProvider.get(p);
                if (c == null) {
                    h.append("<td></td>");
                    continue;
                }
                String cls = c.passes() == c.runs() ? "pass" : c.passes() == 0 ? "fail" : "flaky";
                CaseRun r = firstRun.get(c.key());
                h.append("<td class=\"").append(cls).append("\">");
                h.append("<b>").append(cls.toUpperCase(Locale.ROOT)).append("</b> ").append(c.passes()).append('/')
                        .append(c.runs());
                if (c.runs() > 1) {
                    h.append(String.format(Locale.ROOT, " (95%% CI %.0f&ndash;%.0f%%)", 100 * c.low(), 100 * c.high()));
                }
                h.append(String.format(Locale.ROOT, ", score %.2f", c.meanScore()));
                BaselineComparison.Change ch = changes.get(c.key());
                if (ch != null && ch.kind() == BaselineComparison.Kind.REGRESSION) {
                    h.append(" <span class=\"reg\">regression</span>");
                } else if (ch != null && ch.kind() == BaselineComparison.Kind.IMPROVEMENT) {
                    h.append(" <span class=\"imp\">improvement</span>");
                }
                if (!r.pass()) {
                    h.append("<div>").append(esc(r.error() != null ? r.error() : r.grade().reason())).append("</div>");
                }
                String out = r.output() == null ? "" : r.output();
                h.append("<pre>").append(esc(truncate(out))).append("</pre>");
                if (ch != null && ch.baseOutput() != null && !ch.baseOutput().equals(out)) {
                    String diff = WordDiff.html(truncate(ch.baseOutput()), truncate(out));
                    h.append("<pre class=\"diff\" title=\"change from the baseline's output\">")
                            .append(diff != null ? diff : "<del>" + esc(truncate(ch.baseOutput())) + "</del>")
                            .append("</pre>");
                }
                h.append("</td>");
            }
            h.append("</tr>\n");
        });
        h.append("</tbody></table>\n</body></html>\n");
        return h.toString();
    }

    private static String chart(EvalReport report, Set<String> providers) {
        List<String> names = new ArrayList<>(providers);
        int bar = 22;
        int height = names.size() * (bar + 8) + 8;
        StringBuilder s = new StringBuilder("<svg id=\"scores\" xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"")
                .append(height).append("\" role=\"img\" aria-label=\"mean score per provider\">");
        for (int i = 0; i < names.size(); i++) {
            String p = names.get(i);
            double mean = report.runs().stream().filter(r -> r.provider().equals(p)).mapToDouble(r -> r.grade().score())
                    .average().orElse(0);
            int y = 8 + i * (bar + 8);
            s.append(String.format(Locale.ROOT,
                    "<text x=\"0\" y=\"%d\" font-size=\"12\">%s</text><rect x=\"200\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#4a7bd0\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" font-size=\"12\">%.2f</text>",
                    y + 15, esc(truncateLabel(p)), y, 360 * mean, bar, 205 + 360 * mean, y + 15, mean));
        }
        return s.append("</svg>\n").toString();
    }

    private static String truncate(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
    }

    private static String truncateLabel(String s) {
        return s.length() > 30 ? s.substring(0, 29) + "..." : s;
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : JunitReport.clean(s).toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    public static void write(Path file, EvalReport report, BaselineComparison comparison) throws IOException {
        Files.writeString(file, toHtml(report, comparison), StandardCharsets.UTF_8);
    }
}
