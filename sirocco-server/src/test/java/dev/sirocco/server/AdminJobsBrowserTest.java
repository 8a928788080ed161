package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.sirocco.server.store.Database;
import dev.sirocco.server.store.KeyStore;
import dev.sirocco.testkit.HeadlessChromium;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The admin pages in Chromium: a fine-tuning job with its loss curve, and the loaded models with their memory. */
class AdminJobsBrowserTest {
    @TempDir
    Path dir;

    @Test
    void anAdminSeesAFinishedJobsLossCurveAndTheModelsMemory() throws Exception {
        assumeFalse(HeadlessChromium.skipRequested(), HeadlessChromium.SKIP_ENV + "=1: browser tests skipped");
        Path data = dir.resolve("data");
        Path model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
        String secret = new KeyStore(Database.open(data)).create("operator", true, null, null).secret().value();
        FineTuningJobsTest http = new FineTuningJobsTest();
        try (FineTuningServer s = new FineTuningServer(data, model, 1 << 20);
             Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = WebAppBrowserTest.launch(playwright, HeadlessChromium.require().executable())) {
            String file = http.upload(s.base, "train.jsonl", FineTuningJobsTest.chatData().getBytes(StandardCharsets.UTF_8), "fine-tune")
                    .json().get("id").asText();
            String job = http.post(s.base + "/v1/fine_tuning/jobs", FineTuningJobsTest.MISTRAL_JOB.formatted(file, 20)).json().get("id").asText();
            JsonNode done = http.awaitFinished(s.base, job);
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCESS"); // Mistral's request, Mistral's names
            String fineTuned = done.get("fine_tuned_model").asText();
            // chat with the fine-tuned model once, so it is loaded and has a memory figure
            assertThat(http.post(s.base + "/v1/chat/completions", "{\"model\": \"" + fineTuned
                    + "\", \"max_tokens\": 2, \"messages\": [{\"role\": \"user\", \"content\": \"people\"}]}").status()).isEqualTo(200);

            Page page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 900)).newPage();
            page.navigate(s.base + "/#/admin");
            page.locator("#sign-in").click();
            page.locator("#api-key").fill(secret);
            page.locator("#api-key").press("Enter");
            page.locator("#admin-refresh").click();

            Locator row = page.locator("#jobs-table tbody tr[data-job=\"" + job + "\"]");
            assertThat(row).containsText("succeeded");
            assertThat(row).containsText(fineTuned);
            Locator curve = row.locator("svg.loss polyline.train-loss");
            assertThat(curve).hasCount(1);
            // one point per checkpoint, falling from the first to the last (the job learned its four pairs)
            String[] points = curve.getAttribute("points").trim().split(" ");
            JsonNode checkpoints = http.get(s.base + "/v1/fine_tuning/jobs/" + job + "/checkpoints?limit=100").json().get("data");
            assertThat(points).hasSize(checkpoints.size());
            double firstY = Double.parseDouble(points[0].split(",")[1]);
            double lastY = Double.parseDouble(points[points.length - 1].split(",")[1]);
            assertThat(lastY).as("SVG y grows downwards: a falling loss ends lower on screen").isGreaterThan(firstY);

            Locator loaded = page.locator("#models-table tbody tr", new Page.LocatorOptions().setHasText(fineTuned));
            assertThat(loaded).containsText("loaded");
            assertThat(loaded.locator("td.memory")).containsText("MiB");
            row.scrollIntoViewIfNeeded(); // the admin view scrolls inside the page
            page.screenshot(new Page.ScreenshotOptions().setPath(WebAppBrowserTest.ARTIFACTS.resolve("admin-jobs.png")));
        }
    }
}
