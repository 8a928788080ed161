package dev.sirocco.evals.report;

import dev.sirocco.evals.LocalChatEndpoint;
import dev.sirocco.evals.providers.Provider;
import dev.sirocco.evals.providers.Providers;
import dev.sirocco.evals.run.EvalReport;
import dev.sirocco.evals.run.EvalRunner;
import dev.sirocco.evals.suite.Suite;
import dev.sirocco.evals.suite.SuiteLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The report files: JUnit XML valid against the format's schema, JSON that reads back, HTML that needs no network. */
class ReportsTest {
    @TempDir
    Path dir;
    EvalReport report;

    @BeforeEach
    void runASuiteWithAPassAFailureAndAnError() throws Exception {
        try (LocalChatEndpoint server = new LocalChatEndpoint(b -> {
            String q = LocalChatEndpoint.lastUserMessage(b);
            if (q.contains("error")) {
                return new LocalChatEndpoint.Answer("boom", null, 500);
            }
            // a control character and markup: both must survive XML and HTML escaping
            return LocalChatEndpoint.Answer.text(q.contains("good") ? "fine <b>&</b>" : "bad \u0001 output");
        })) {
            Suite s = SuiteLoader.parse("""
                    description: reports
                    prompts: ['{{q}}']
                    providers: [{id: 'openai:m', label: local, config: {apiBaseUrl: %s}}]
                    tests:
                      - {description: good, vars: {q: good}, assert: [{type: contains, value: fine}]}
                      - {description: bad, vars: {q: bad}, assert: [{type: contains, value: fine}]}
                      - {description: broken, vars: {q: error}}
                    """.formatted(server.baseUrl()), "s.yaml", dir);
            List<Provider> providers = s.providers().stream().map(p -> Providers.create(p, dir, k -> null)).toList();
            report = EvalRunner.run(s, providers, new EvalRunner.Options(2, 1, null), EvalRunner.Progress.NONE);
        }
    }

    @Test
    void junitXmlValidatesAgainstTheSchemaAndCountsFailuresAndErrors() throws Exception {
        String xml = JunitReport.toXml(report);
        var schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(getClass().getResource("junit.xsd"));
        schema.newValidator().validate(new StreamSource(new StringReader(xml)));

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        var root = doc.getDocumentElement();
        assertThat(root.getAttribute("tests")).isEqualTo("6");
        assertThat(root.getAttribute("failures")).isEqualTo("2");
        assertThat(root.getAttribute("errors")).isEqualTo("2");
        assertThat(doc.getElementsByTagName("testcase").getLength()).isEqualTo(6);
        assertThat(doc.getElementsByTagName("failure").item(0).getAttributes().getNamedItem("message").getNodeValue())
                .contains("expected output to contain \"fine\"");
        assertThat(xml).doesNotContain("\u0001");
    }

    @Test
    void theSchemaRejectsAMalformedReport() {
        var bad = "<testsuites><testsuite name=\"x\"><testcase name=\"t\"><system-out/><failure/></testcase></testsuite></testsuites>";
        assertThatThrownBy(() -> SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(getClass().getResource("junit.xsd")).newValidator()
                .validate(new StreamSource(new StringReader(bad)))).isInstanceOf(SAXException.class);
    }

    @Test
    void jsonReportReadsBackAsABaseline() throws Exception {
        Path f = dir.resolve("out.json");
        JsonReport.write(f, report, null);
        JsonReport.Previous prev = JsonReport.read(f);
        assertThat(prev.passesAndRuns()).hasSize(3);
        assertThat(prev.passesAndRuns().get("local | {{q}} | good")).containsExactly(2, 2);
        assertThat(prev.passesAndRuns().get("local | {{q}} | bad")).containsExactly(0, 2);
        assertThat(prev.outputs().get("local | {{q}} | good")).isEqualTo("fine <b>&</b>");
        BaselineComparison same = BaselineComparison.compare(report, prev, 0.05);
        assertThat(same.changes()).allMatch(c -> c.kind() == BaselineComparison.Kind.UNCHANGED);
        assertThat(same.regressed()).isFalse();
    }

    @Test
    void aFileThatIsNotAReportIsRefusedAsABaseline() throws Exception {
        Path f = dir.resolve("other.json");
        java.nio.file.Files.writeString(f, "{\"results\": []}");
        assertThatThrownBy(() -> JsonReport.read(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a report written by sirocco eval --json");
    }

    @Test
    void htmlShowsAWordDiffAgainstTheBaselinesOutput() {
        var prev = new JsonReport.Previous(java.util.Map.of("local | {{q}} | good", new int[]{2, 2}),
                java.util.Map.of("local | {{q}} | good", "fine <i>&</i>"));
        String html = HtmlReport.toHtml(report, BaselineComparison.compare(report, prev, 0.05));
        assertThat(html).contains("fine <del>&lt;i&gt;&amp;&lt;/i&gt;</del><ins>&lt;b&gt;&amp;&lt;/b&gt;</ins>");
    }

    @Test
    void htmlOpensInHeadlessChromiumWithoutNetworkAndShowsTheMatrix() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(dev.sirocco.testkit.HeadlessChromium.skipRequested(),
                "SIROCCO_SKIP_BROWSER_TESTS=1");
        var chromium = dev.sirocco.testkit.HeadlessChromium.require();
        Path page = dir.resolve("report.html");
        java.nio.file.Files.writeString(page, HtmlReport.toHtml(report, null));

        String dom = chromium.dumpDom(page.toUri());
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new org.xml.sax.InputSource(new StringReader(xhtml(dom))));
        var table = (org.w3c.dom.Element) javax.xml.xpath.XPathFactory.newInstance().newXPath()
                .evaluate("//*[@id='matrix']", doc, javax.xml.xpath.XPathConstants.NODE);
        assertThat(table).as("the matrix table, as the browser built it").isNotNull();
        var cells = table.getElementsByTagName("td");
        assertThat(cells.getLength()).as("3 tests x 1 provider").isEqualTo(3);
        assertThat(table.getTextContent()).contains("local", "{{q}} | good", "{{q}} | bad", "{{q}} | broken");
        // kept as a test artifact: what a reader sees
        Path png = Path.of("target", "browser-artifacts", "eval-report.png");
        chromium.screenshot(page.toUri(), png, 1200, 800);
        assertThat(java.nio.file.Files.size(png)).isGreaterThan(1000);
    }

    /** Chromium's DOM dump as XML the JDK parser reads: void elements closed, the doctype and entities dropped. */
    private static String xhtml(String html) {
        String s = html.replaceFirst("(?is)<!DOCTYPE[^>]*>", "")
                .replaceAll("(?i)<(meta|br|hr|img|input|link)([^>]*?)/?>", "<$1$2/>")
                .replace("&nbsp;", "&#160;");
        return s;
    }

    @Test
    void htmlIsSelfContainedAndShowsTheMatrix() {
        String html = HtmlReport.toHtml(report, null);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<table id=\"matrix\">").contains("<svg id=\"scores\"");
        assertThat(html).contains("<th>local</th>").contains("<th>{{q}} | good</th>").contains("<th>{{q}} | broken</th>");
        assertThat(html).contains("fine &lt;b&gt;&amp;&lt;/b&gt;"); // model output is escaped, never markup
        // nothing to fetch: no scripts, stylesheets, images or URLs in attributes, and a CSP that forbids loads
        assertThat(html).doesNotContain("<script").doesNotContain("<link").doesNotContain("<img").doesNotContain("src=")
                .doesNotContain("href=").doesNotContain("url(").doesNotContain("\u0001")
                .contains("content=\"default-src 'none'; style-src 'unsafe-inline'\"");
    }
}
