package dev.sirocco.evals.report;

import dev.sirocco.evals.assertions.AssertionResult;
import dev.sirocco.evals.run.CaseRun;
import dev.sirocco.evals.run.EvalReport;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * JUnit XML as Ant/Surefire write it (the dialect Jenkins, GitLab and GitHub reporters read): one
 * {@code <testsuite>} per provider, one {@code <testcase>} per run, {@code <failure>} for failed assertions and
 * {@code <error>} when the provider gave no answer. Characters XML 1.0 cannot hold are replaced.
 */
public final class JunitReport {
    private JunitReport() {
    }

    public static String toXml(EvalReport report) {
        try {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
            Element root = doc.createElement("testsuites");
            doc.appendChild(root);
            root.setAttribute("name", clean(report.description() == null ? "sirocco eval" : report.description()));
            root.setAttribute("tests", Integer.toString(report.runs().size()));
            root.setAttribute("failures", Long.toString(report.runs().size() - report.passedRuns() - report.erroredRuns()));
            root.setAttribute("errors", Long.toString(report.erroredRuns()));
            root.setAttribute("time", seconds(report.wallMillis()));
            Map<String, List<CaseRun>> byProvider = new LinkedHashMap<>();
            for (CaseRun r : report.runs()) {
                byProvider.computeIfAbsent(r.provider(), k -> new java.util.ArrayList<>()).add(r);
            }
            for (Map.Entry<String, List<CaseRun>> e : byProvider.entrySet()) {
                List<CaseRun> runs = e.getValue();
                Element suite = doc.createElement("testsuite");
                root.appendChild(suite);
                long errors = runs.stream().filter(r -> r.error() != null).count();
                long failures = runs.stream().filter(r -> !r.pass()).count() - errors;
                suite.setAttribute("name", clean(e.getKey()));
                suite.setAttribute("tests", Integer.toString(runs.size()));
                suite.setAttribute("failures", Long.toString(failures));
                suite.setAttribute("errors", Long.toString(errors));
                suite.setAttribute("skipped", "0");
                suite.setAttribute("time", seconds(runs.stream().mapToLong(CaseRun::latencyMs).sum()));
                for (CaseRun r : runs) {
                    suite.appendChild(testcase(doc, r, report.repeat()));
                }
            }
            StringWriter out = new StringWriter();
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.transform(new DOMSource(doc), new StreamResult(out));
            return out.toString();
        } catch (ParserConfigurationException | TransformerException e) {
            throw new IllegalStateException("cannot write JUnit XML", e);
        }
    }

    private static Element testcase(Document doc, CaseRun r, int repeat) {
        Element tc = doc.createElement("testcase");
        String name = r.prompt() + " | " + r.test() + (repeat > 1 ? " [run " + (r.repetition() + 1) + "]" : "");
        tc.setAttribute("name", clean(name));
        tc.setAttribute("classname", clean(r.provider()));
        tc.setAttribute("time", seconds(r.latencyMs()));
        if (r.error() != null) {
            Element err = doc.createElement("error");
            err.setAttribute("message", clean(r.error()));
            err.setAttribute("type", "ProviderError");
            tc.appendChild(err);
        } else if (!r.pass()) {
            Element f = doc.createElement("failure");
            f.setAttribute("message", clean(r.grade().reason()));
            f.setAttribute("type", "AssertionFailure");
            f.setTextContent(clean(r.grade().results().stream().filter(a -> !a.pass())
                    .map(JunitReport::line).collect(Collectors.joining("\n"))));
            tc.appendChild(f);
        }
        Element out = doc.createElement("system-out");
        out.setTextContent(clean(r.output() == null ? "" : r.output()));
        tc.appendChild(out);
        return tc;
    }

    private static String line(AssertionResult a) {
        return a.spec().displayType() + " (weight " + a.spec().weight() + "): " + a.reason();
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    /** XML 1.0 allows tab, LF, CR and code points from U+0020 on, minus surrogates halves alone and U+FFFE/U+FFFF. */
    static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            boolean ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                    || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
            b.appendCodePoint(ok ? cp : 0xFFFD);
        });
        return b.toString();
    }

    public static void write(Path file, EvalReport report) throws IOException {
        Files.writeString(file, toXml(report), StandardCharsets.UTF_8);
    }
}
