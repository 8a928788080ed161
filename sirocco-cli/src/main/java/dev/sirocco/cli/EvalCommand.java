package dev.sirocco.cli;

import dev.sirocco.evals.providers.Provider;
import dev.sirocco.evals.providers.Providers;
import dev.sirocco.evals.providers.ResponseCache;
import dev.sirocco.evals.report.BaselineComparison;
import dev.sirocco.evals.report.ConsoleReport;
import dev.sirocco.evals.report.HtmlReport;
import dev.sirocco.evals.report.JsonReport;
import dev.sirocco.evals.report.JunitReport;
import dev.sirocco.evals.run.EvalReport;
import dev.sirocco.evals.run.EvalRunner;
import dev.sirocco.evals.suite.ProviderIds;
import dev.sirocco.evals.suite.ProviderSpec;
import dev.sirocco.evals.suite.Suite;
import dev.sirocco.evals.suite.SuiteException;
import dev.sirocco.evals.suite.SuiteLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sirocco eval}: runs a promptfoo-format suite; exit 0 when every run passes (and nothing regressed
 * against {@code --baseline}), 1 on failures or regressions, 2 on a bad suite (file, line and field named).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Run an eval suite (promptfoo's promptfooconfig.yaml format) and gate CI on it.")
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SUITE", description = "The suite file (YAML).")
    Path suiteFile;

    @Option(names = "--provider", paramLabel = "ID",
            description = "Run against this provider instead of the suite's (repeatable): openai:chat:MODEL, mistral:MODEL, sirocco:PATH.gguf.")
    List<String> providerIds = List.of();

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1", description = "Runs per case (default 1); pass rates get 95%% intervals.")
    int repeat;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4", description = "Requests in flight at once (default 4).")
    int concurrency;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the machine-readable report here (also what --baseline reads).")
    Path jsonOut;

    @Option(names = "--junit", paramLabel = "FILE", description = "Write JUnit XML here.")
    Path junitOut;

    @Option(names = "--html", paramLabel = "FILE", description = "Write a self-contained HTML report here.")
    Path htmlOut;

    @Option(names = "--baseline", paramLabel = "FILE", description = "A previous --json report: flag significant regressions and improvements.")
    Path baseline;

    @Option(names = "--alpha", paramLabel = "P", defaultValue = "0.05", description = "Significance level for --baseline (default 0.05).")
    double alpha;

    @Option(names = "--no-cache", description = "Always ask the providers; do not read or write the response cache.")
    boolean noCache;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Response cache folder (default ~/.sirocco/eval-cache).")
    Path cacheDir;

    @Override
    public Integer call() throws Exception {
        if (repeat < 1 || concurrency < 1) {
            throw new BadInputException("--repeat and --concurrency must be at least 1");
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new BadInputException("--alpha must be between 0 and 1");
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        JsonReport.Previous previous = null;
        if (baseline != null) {
            try {
                previous = JsonReport.read(baseline);
            } catch (NoSuchFileException e) {
                throw new BadInputException("baseline " + baseline + " does not exist");
            }
        }
        List<Provider> providers = new ArrayList<>();
        try {
            Suite suite = SuiteLoader.load(suiteFile);
            if (!providerIds.isEmpty()) {
                List<ProviderSpec> specs = new ArrayList<>();
                for (String id : providerIds) {
                    ProviderIds.parse(id, "--provider", 0, "--provider");
                    specs.add(new ProviderSpec(id, id, Map.of(), "--provider", 0));
                }
                suite = suite.withProviders(specs);
            }
            Path cwd = Path.of("").toAbsolutePath();
            for (ProviderSpec spec : suite.providers()) {
                // --provider paths are relative to where the command runs; the suite's to the suite
                providers.add(Providers.create(spec, spec.source().equals("--provider") ? cwd : suite.baseDir(), System::getenv));
            }
            ResponseCache cache = noCache ? null : new ResponseCache(cacheDir != null ? cacheDir
                    : Path.of(System.getProperty("user.home"), ".sirocco", "eval-cache"));
            boolean tty = System.console() != null;
            EvalReport report = EvalRunner.run(suite, providers, new EvalRunner.Options(repeat, concurrency, cache),
                    tty ? EvalCommand::progress : EvalRunner.Progress.NONE);
            if (tty) {
                System.err.print("\r\033[K");
            }
            BaselineComparison comparison = previous == null ? null
                    : BaselineComparison.compare(report, previous, alpha);
            ConsoleReport.print(out, report, comparison);
            try {
                if (jsonOut != null) {
                    JsonReport.write(jsonOut, report, comparison);
                }
                if (junitOut != null) {
                    JunitReport.write(junitOut, report);
                }
                if (htmlOut != null) {
                    HtmlReport.write(htmlOut, report, comparison);
                }
            } catch (java.io.IOException e) {
                throw new BadInputException("cannot write the report: " + e);
            }
            boolean failed = !report.allPassed() || (comparison != null && comparison.regressed());
            return failed ? Main.EXIT_INTERNAL : Main.EXIT_OK;
        } catch (SuiteException e) {
            throw new BadInputException(e.getMessage());
        } finally {
            for (Provider p : providers) {
                p.close();
            }
        }
    }

    private static void progress(int done, int total, dev.sirocco.evals.run.CaseRun run) {
        int width = 30;
        int filled = total == 0 ? width : done * width / total;
        System.err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
        System.err.flush();
    }
}
