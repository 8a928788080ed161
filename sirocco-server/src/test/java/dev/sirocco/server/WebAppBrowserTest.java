package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.ColorScheme;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.server.store.Database;
import dev.sirocco.testkit.HeadlessChromium;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The chat web app in a real browser: Debian's Chromium, headless and cut off from every host but loopback, driven
 * by Playwright against a real server over tiny random-weight models with a database. Screenshots of the main views
 * go to {@code target/browser-artifacts/}.
 */
class WebAppBrowserTest {
    static final Path ARTIFACTS = Path.of("target", "browser-artifacts");

    @TempDir
    static Path dir;
    static List<ServedModel> models = new ArrayList<>();
    static ApiServer server;
    static Database database;
    static String base;
    static Playwright playwright;
    static Browser browser;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    BrowserContext context;
    Page page;
    String testName;

    @BeforeAll
    static void start() throws Exception {
        assumeFalse(HeadlessChromium.skipRequested(), HeadlessChromium.SKIP_ENV + "=1: browser tests skipped");
        Path chromium = HeadlessChromium.find().orElseThrow(() -> new IllegalStateException(
                "browser tests need Chromium: install it (apt-get install chromium; bin/test does this when run as root) or point "
                        + HeadlessChromium.EXECUTABLE_ENV + " at it; " + HeadlessChromium.SKIP_ENV + "=1 skips these tests"));
        EngineOptions engine = EngineOptions.defaults().withThreads(1);
        // "tiny" has room for a long answer (the stop test needs one still running); "other" is a second model to switch to
        models.add(ServedModel.load(RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf")), engine.withContextSize(4096), 4));
        models.add(ServedModel.load(RandomModels.write(ModelSpec.tinyLlama().toBuilder().seed(7).build(), dir.resolve("other.gguf")),
                engine.withContextSize(256), 4));
        database = Database.open(dir.resolve("data"));
        server = ApiServer.start(ServerOptions.loopback(0), models, database);
        base = "http://127.0.0.1:" + server.port() + "/";
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = launch(playwright, chromium);
    }

    /** Debian's Chromium, headless, reaching nothing but loopback. */
    static Browser launch(Playwright playwright, Path chromium) {
        return playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(chromium)
                .setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-dev-shm-usage",
                        // nothing but this server can be reached: a page that loads anything from outside shows it broken
                        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (server != null) {
            server.close();
        }
        models.forEach(ServedModel::close);
    }

    @BeforeEach
    void openPage(TestInfo info) {
        testName = info.getTestMethod().orElseThrow().getName();
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 800));
        page = context.newPage();
        List<String> errors = new ArrayList<>();
        page.onPageError(errors::add);
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                System.err.println("[browser console] " + m.text());
            }
        });
    }

    @AfterEach
    void closePage() {
        if (context != null) {
            context.close();
        }
    }

    private void screenshot(Page p, String name) {
        p.screenshot(new Page.ScreenshotOptions().setPath(ARTIFACTS.resolve(name + ".png")).setFullPage(true));
    }

    private void openApp() {
        page.navigate(base);
        assertThat(page.locator("#model-picker option").first()).isAttached();
    }

    /** Sets the new chat's settings, then sends {@code text}. */
    private void send(String text, Integer maxTokens) {
        if (maxTokens != null) {
            page.locator("#settings-toggle").click();
            page.locator("#temperature").fill("0");
            page.locator("#max-tokens").fill(Integer.toString(maxTokens));
            page.locator("#settings-toggle").click();
        }
        page.locator("#prompt").fill(text);
        page.locator("#prompt").press("Enter");
    }

    private Locator lastAnswer() {
        return page.locator(".message.assistant").last();
    }

    private String conversationId() {
        String hash = (String) page.evaluate("location.hash");
        assertThat(hash).startsWith("#/c/conv_");
        return hash.substring("#/c/".length());
    }

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base.replaceAll("/$", "") + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestServer.JSON.readTree(r.body());
    }

    @Test
    void aMessageIsSentAndTheAnswerStreamsIn() throws Exception {
        openApp();
        // record every text the answer shows while it is still streaming
        page.evaluate("() => { window.__seen = []; new MutationObserver(() => {"
                + " const a = document.querySelector('.message.assistant[data-state=streaming] .content');"
                + " if (a && a.textContent.length > 0) window.__seen.push(a.textContent); })"
                + ".observe(document.getElementById('messages'), {childList: true, subtree: true, characterData: true}); }");
        // A tiny model can finish 48 tokens within one frame on a quiet machine: slow the network to ~4 KB/s
        // (Chromium's own throttling) so the answer's chunks arrive over seconds, as a big model's would.
        var cdp = page.context().newCDPSession(page);
        var throttle = new com.google.gson.JsonObject();
        throttle.addProperty("offline", false);
        throttle.addProperty("latency", 0);
        throttle.addProperty("downloadThroughput", 4096);
        throttle.addProperty("uploadThroughput", -1);
        cdp.send("Network.enable");
        cdp.send("Network.emulateNetworkConditions", throttle);
        send("Tell me a story", 48);
        assertThat(lastAnswer()).hasAttribute("data-state", "done", new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(60_000));
        @SuppressWarnings("unchecked")
        List<String> seen = (List<String>) page.evaluate("window.__seen");
        assertThat(seen.stream().distinct().count()).as("distinct partial answers shown while streaming").isGreaterThanOrEqualTo(2);
        assertThat(lastAnswer().locator(".stats")).containsText("tokens/s");

        String id = conversationId();
        JsonNode stored = get("/api/conversations/" + id);
        assertThat(stored.get("title").asText()).isEqualTo("Tell me a story");
        assertThat(stored.get("messages")).hasSize(2);
        JsonNode answer = stored.get("messages").get(1);
        assertThat(answer.get("role").asText()).isEqualTo("assistant");
        assertThat(answer.get("content").asText()).isNotEmpty();
        assertThat(answer.get("completion_tokens").asLong()).isBetween(1L, 48L);
        assertThat(lastAnswer().locator(".stats")).containsText(answer.get("completion_tokens").asLong() + " tokens");
        assertThat(page.locator("#conversation-list li.active")).containsText("Tell me a story");
        screenshot(page, "chat-light");
    }

    @Test
    void escapeStopsAnAnswerMidwayAndFreesTheModel() throws Exception {
        openApp();
        send("Go on forever", 4000);
        Locator streaming = page.locator(".message.assistant[data-state=streaming] .content");
        assertThat(streaming).not().isEmpty();
        assertThat(page.locator("#stop")).isVisible();
        page.keyboard().press("Escape");
        assertThat(lastAnswer()).hasAttribute("data-state", "done");
        assertThat(lastAnswer().locator(".stats")).containsText("stopped");
        assertThat(page.locator("#send")).isVisible();

        ServedModel tiny = models.get(0);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (tiny.scheduler().activeSequences() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(tiny.scheduler().activeSequences()).as("the stopped generation no longer holds the model").isZero();
        JsonNode answer = get("/api/conversations/" + conversationId()).get("messages").get(1);
        assertThat(answer.get("finish_reason").asText()).isEqualTo("cancelled");
        assertThat(answer.get("completion_tokens").asLong()).isBetween(1L, 3999L);
    }

    @Test
    void aConversationIsFoundAgainAfterAReload() {
        openApp();
        send("Remember this conversation", 4);
        assertThat(lastAnswer()).hasAttribute("data-state", "done");
        String id = conversationId();
        page.reload();
        assertThat(page.locator("#chat-title")).hasText("Remember this conversation");
        assertThat(page.locator(".message.user .content")).hasText("Remember this conversation");

        // a fresh tab without the link finds it in the list and by search
        Page fresh = context.newPage();
        fresh.navigate(base);
        Locator item = fresh.locator("#conversation-list li[data-id=" + id + "]");
        assertThat(item).containsText("Remember this conversation");
        fresh.locator("#search").fill("remember THIS");
        assertThat(fresh.locator("#conversation-list li.conversation")).hasCount(1);
        fresh.locator("#search").fill("no conversation says this");
        assertThat(fresh.locator("#conversation-list li.conversation")).hasCount(0);
        fresh.locator("#search").fill("");
        fresh.locator("#conversation-list li[data-id=" + id + "] button.open").click();
        assertThat(fresh.locator(".message.assistant")).hasCount(1);
        screenshot(fresh, "conversation-list");
    }

    @Test
    void theModelPickerSwitchesTheModelThatAnswers() throws Exception {
        openApp();
        assertThat(page.locator("#model-picker option")).hasCount(2);
        long before = usageOf("other");
        page.locator("#model-picker").selectOption("other");
        send("Which model are you?", 4);
        assertThat(lastAnswer()).hasAttribute("data-state", "done");
        assertThat(lastAnswer().locator(".stats")).containsText("other");
        JsonNode stored = get("/api/conversations/" + conversationId());
        assertThat(stored.get("model").asText()).isEqualTo("other");
        assertThat(stored.get("messages").get(1).get("model").asText()).isEqualTo("other");
        assertThat(usageOf("other")).as("requests the server counted for 'other'").isEqualTo(before + 1);
    }

    private static long usageOf(String model) throws Exception {
        long n = 0;
        for (JsonNode row : get("/v1/usage").get("data")) {
            if (row.get("model").asText().equals(model)) {
                n += row.get("requests").asLong();
            }
        }
        return n;
    }

    /** An answer as a hostile model could write it: every trick sets window.__xss if it runs. */
    static final String HOSTILE = """
            Here you go: <script>window.__xss = 'script'</script>
            <img src="x" onerror="window.__xss = 'img'">
            <svg onload="window.__xss = 'svg'"></svg>
            [click me](javascript:window.__xss='link') and <a href="javascript:window.__xss='a'">this</a>
            <iframe srcdoc="<script>parent.__xss='iframe'</script>"></iframe>

            ```html
            <script>window.__xss = 'code'</script>
            ```
            """;

    private String seedHostileConversation() throws Exception {
        ObjectNode body = TestServer.JSON.createObjectNode();
        body.put("title", "Hostile answer");
        var messages = body.putArray("messages");
        messages.addObject().put("role", "user").put("content", "Show me some HTML");
        messages.addObject().put("role", "assistant").put("content", HOSTILE);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "api/conversations"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return TestServer.JSON.readTree(r.body()).get("id").asText();
    }

    @Test
    void markupInAnAnswerIsShownAsTextAndRunsNothing() throws Exception {
        String id = seedHostileConversation();
        page.navigate(base + "#/c/" + id);
        checkHostileAnswerIsInert(page);
        screenshot(page, "hostile-answer");
    }

    @Test
    void theSanitizerAloneKeepsMarkupInertWithoutTheContentSecurityPolicy() throws Exception {
        String id = seedHostileConversation();
        try (BrowserContext noCsp = browser.newContext(new Browser.NewContextOptions().setBypassCSP(true))) {
            Page p = noCsp.newPage();
            p.navigate(base + "#/c/" + id);
            checkHostileAnswerIsInert(p);
        }
    }

    private static void checkHostileAnswerIsInert(Page p) {
        Locator answer = p.locator(".message.assistant .content");
        assertThat(answer).containsText("<script>window.__xss = 'script'</script>");
        assertThat(answer).containsText("<img src=\"x\" onerror=\"window.__xss = 'img'\">");
        assertThat(answer.locator("pre code")).containsText("<script>window.__xss = 'code'</script>");
        assertThat(answer.locator("script, img, svg, iframe, [onerror], [onload]")).hasCount(0);
        for (Locator a : answer.locator("a").all()) {
            String href = a.getAttribute("href");
            assertThat(href == null ? "" : href).doesNotStartWithIgnoringCase("javascript:");
        }
        // click every link: a javascript: URL left in place would run now
        for (Locator a : answer.locator("a").all()) {
            a.click(new Locator.ClickOptions().setModifiers(List.of(com.microsoft.playwright.options.KeyboardModifier.CONTROL)));
        }
        assertThat(p.evaluate("typeof window.__xss")).isEqualTo("undefined");
    }

    @Test
    void theMainViewsRenderOnAPhoneAndInTheDarkTheme() throws Exception {
        String id = seedHostileConversation();
        try (BrowserContext phone = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(390, 844).setColorScheme(ColorScheme.DARK).setIsMobile(true).setHasTouch(true))) {
            Page p = phone.newPage();
            p.navigate(base + "#/c/" + id);
            assertThat(p.locator(".message.assistant")).hasCount(1);
            assertThat(p.locator("#sidebar")).not().isVisible();
            screenshot(p, "phone-dark-chat");
            p.locator("#toggle-sidebar").click();
            assertThat(p.locator("#sidebar")).isInViewport();
            p.locator("#conversation-list button.open").first().click();
            assertThat(p.locator("#sidebar")).not().isVisible();
            screenshot(p, "phone-dark-sidebar");
            String background = (String) p.evaluate("getComputedStyle(document.body).backgroundColor");
            assertThat(background).as("dark theme background").isEqualTo("rgb(28, 25, 23)");
        }
    }

    @Test
    void regenerateReplacesTheAnswerAndEditResendsTheQuestion() throws Exception {
        openApp();
        send("First question", 4);
        assertThat(lastAnswer()).hasAttribute("data-state", "done");
        String id = conversationId();

        page.locator("#model-picker").selectOption("other");
        assertThat(page.locator("#status")).containsText("other");
        lastAnswer().getByText("Regenerate").click();
        assertThat(lastAnswer()).hasAttribute("data-state", "done"); // stored: the streaming view is replaced then
        assertThat(lastAnswer().locator(".stats")).containsText("other");
        JsonNode regenerated = get("/api/conversations/" + id).get("messages");
        assertThat(regenerated).hasSize(2);
        assertThat(regenerated.get(1).get("model").asText()).isEqualTo("other");

        page.locator(".message.user").getByText("Edit").click();
        Locator editor = page.getByLabel("Edit message");
        editor.fill("Second question");
        editor.press("Enter");
        assertThat(page.locator(".message.user .content")).hasText("Second question");
        assertThat(lastAnswer()).hasAttribute("data-state", "done");
        assertThat(page.locator(".message")).hasCount(2);
        JsonNode edited = get("/api/conversations/" + id).get("messages");
        assertThat(edited).hasSize(2);
        assertThat(edited.get(0).get("content").asText()).isEqualTo("Second question");
        assertThat(edited.get(1).get("role").asText()).isEqualTo("assistant");
    }

    @Test
    void codeIsHighlightedAndMathKeptVerbatim() throws Exception {
        ObjectNode body = TestServer.JSON.createObjectNode();
        var messages = body.putArray("messages");
        messages.addObject().put("role", "user").put("content", "Show me");
        messages.addObject().put("role", "assistant").put("content",
                "Code:\n\n```java\nint answer = 42; // the answer\n```\n\nMath: $x_1 * y_2 * z_3$ and $$\\sum_{i=1}^{n} a_i * b_i$$, "
                        + "and *emphasis* still works.");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "api/conversations"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        page.navigate(base + "#/c/" + TestServer.JSON.readTree(r.body()).get("id").asText());
        Locator answer = page.locator(".message.assistant .content");
        assertThat(answer.locator("pre code.language-java .hljs-type")).hasText("int");
        assertThat(answer.locator("pre code.language-java .hljs-comment")).hasText("// the answer");
        assertThat(answer.locator("code.math").first()).hasText("$x_1 * y_2 * z_3$");
        assertThat(answer.locator("code.math.display")).hasText("$$\\sum_{i=1}^{n} a_i * b_i$$");
        assertThat(answer.locator("em")).hasText("emphasis");
    }

    @Test
    void toolCallsAreShownAsCollapsibleCards() throws Exception {
        String body = """
                {"title": "Weather", "messages": [
                  {"role": "user", "content": "Weather in Paris?"},
                  {"role": "assistant", "content": "", "tool_calls": [{"id": "call12345", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\"}"}}]},
                  {"role": "tool", "tool_call_id": "call12345", "content": "18 C, sunny"},
                  {"role": "assistant", "content": "It is **18 C** and sunny."}]}""";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "api/conversations"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        page.navigate(base + "#/c/" + TestServer.JSON.readTree(r.body()).get("id").asText());
        Locator card = page.locator(".message.assistant details.tool-call").first();
        assertThat(card.locator("summary")).containsText("get_weather");
        assertThat(card.locator("pre")).not().isVisible();
        card.locator("summary").click();
        assertThat(card.locator("pre")).isVisible();
        assertThat(card.locator("pre")).containsText("\"city\": \"Paris\"");
        assertThat(page.locator(".message.tool summary")).containsText("call12345");
        assertThat(page.locator(".message.assistant strong")).hasText("18 C");
        screenshot(page, "tool-calls");
    }

    @Test
    void aServerThatNeedsAKeyAsksForOneAndKeepsItInTheTabOnly() throws Exception {
        try (ApiServer guarded = ApiServer.start(ServerOptions.loopback(0).withApiKey("operator-secret"), models);
             BrowserContext fresh = browser.newContext()) {
            Page p = fresh.newPage();
            p.navigate("http://127.0.0.1:" + guarded.port() + "/");
            Locator dialog = p.locator("#sign-in-dialog");
            assertThat(dialog).isVisible();
            screenshot(p, "sign-in");
            p.locator("#api-key").fill("wrong-key");
            p.locator("#api-key").press("Enter");
            assertThat(p.locator("#sign-in-error")).containsText("not valid");
            p.locator("#api-key").fill("operator-secret");
            p.locator("#api-key").press("Enter");
            assertThat(dialog).not().isVisible();
            assertThat(p.locator("#model-picker option")).hasCount(2);
            assertThat(p.evaluate("sessionStorage.getItem('sirocco.apiKey')")).isEqualTo("operator-secret");
            assertThat(p.evaluate("localStorage.length")).isEqualTo(0);
            assertThat(fresh.cookies()).isEmpty();
            // another tab of the same browser starts signed out
            Page other = fresh.newPage();
            other.navigate("http://127.0.0.1:" + guarded.port() + "/");
            assertThat(other.locator("#sign-in-dialog")).isVisible();
        }
    }


    @Test
    void anAdminCreatesAKeyAndSeesItsUsageMoveAfterARequest() throws Exception {
        var adminKey = new dev.sirocco.server.store.KeyStore(database).create("operator", true, null, null);
        page.navigate(base + "#/admin");
        assertThat(page.locator("#admin-status")).containsText("admin key");

        page.locator("#sign-in").click();
        page.locator("#api-key").fill(adminKey.secret().value());
        page.locator("#api-key").press("Enter");
        assertThat(page.locator("#sign-in-dialog")).not().isVisible();
        page.locator("#admin-refresh").click();
        assertThat(page.locator("#keys-table tbody tr", new Page.LocatorOptions().setHasText("operator"))).containsText("admin");

        page.locator("#key-name").fill("ci-key");
        page.locator("#key-rpm").fill("100");
        page.getByText("Create key").click();
        assertThat(page.locator("#new-secret")).isVisible();
        String secret = page.locator("#new-secret-value").textContent();
        assertThat(secret).startsWith("sk-sirocco-");
        Locator row = page.locator("#keys-table tbody tr", new Page.LocatorOptions().setHasText("ci-key"));
        assertThat(row).containsText("100 req/min");
        String keyId = row.getAttribute("data-id");
        Locator usage = page.locator("#usage-table tbody tr[data-key=" + keyId + "]");
        assertThat(usage).hasCount(0);

        ObjectNode chat = ChatCompletionsTest.request("tiny", "hello");
        chat.put("max_tokens", 2);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + secret)
                .POST(HttpRequest.BodyPublishers.ofString(chat.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        long completion = TestServer.JSON.readTree(r.body()).get("usage").get("completion_tokens").asLong();

        page.locator("#admin-refresh").click();
        assertThat(usage).hasCount(1);
        assertThat(usage.locator("td.requests")).hasText("1");
        assertThat(usage.locator("td").nth(4)).hasText(Long.toString(completion));
        assertThat(page.locator("#usage-chart .legend")).containsText("ci-key");
        page.locator("#usage-group").selectOption("model");
        assertThat(page.locator("#usage-chart .legend")).containsText("tiny");
        assertThat(page.locator("#usage-chart .legend")).not().containsText("ci-key");
        assertThat(page.locator("#usage-chart svg rect")).not().hasCount(0);
        assertThat(page.locator("#models-table tbody tr")).hasCount(2);
        screenshot(page, "admin");

        row.getByText("Limits").click();
        page.getByLabel("Tokens per minute for ci-key").fill("5000");
        row.getByText("Save").click();
        assertThat(row).containsText("100 req/min, 5000 tok/min");

        page.onDialog(com.microsoft.playwright.Dialog::accept);
        row.getByText("Revoke").click();
        assertThat(row).containsText("revoked");
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "v1/models"))
                .header("Authorization", "Bearer " + secret).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
    }

}
