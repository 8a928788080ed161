package dev.sirocco.evals.suite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a suite in promptfoo's configuration format ({@code promptfooconfig.yaml}) and checks every key:
 * an unknown or unsupported key, provider or assertion type is an error naming its file and line,
 * never silently ignored. See {@code package-info.java} for the subset supported.
 */
public final class SuiteLoader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP_KEYS = Set.of("description", "prompts", "providers", "targets", "tests",
            "defaultTest");
    private static final Set<String> TEST_KEYS = Set.of("description", "vars", "assert", "threshold", "metadata",
            "options");
    private static final Set<String> DEFAULT_TEST_KEYS = Set.of("vars", "assert", "threshold", "metadata", "options");
    private static final Set<String> OPTIONS_KEYS = Set.of("provider");
    private static final Set<String> ASSERT_KEYS = Set.of("type", "value", "threshold", "weight", "metric", "provider");
    private static final Set<String> PROMPT_KEYS = Set.of("id", "raw", "label");
    private static final Set<String> PROVIDER_KEYS = Set.of("id", "label", "config");

    private final Path baseDir;

    private SuiteLoader(Path baseDir) {
        this.baseDir = baseDir;
    }

    /** Loads the suite file; references ({@code file://}) resolve against its folder. */
    public static Suite load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SuiteException(file.toString(), 0, "the suite file does not exist");
        } catch (IOException e) {
            throw new SuiteException(file.toString(), 0, "cannot read the suite file: " + e.getMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        return new SuiteLoader(dir).parse(text, file.getFileName().toString());
    }

    /** Parses suite text as if it were a file named {@code source} in {@code baseDir}. */
    public static Suite parse(String text, String source, Path baseDir) {
        return new SuiteLoader(baseDir).parse(text, source);
    }

    private Suite parse(String text, String source) {
        YamlNode root = YamlReader.parse(text, source);
        YamlNode.Mapping top = mapping(root, "the suite");
        checkKeys(top, "the suite", TOP_KEYS);
        if (top.get("providers") != null && top.get("targets") != null) {
            throw error(top.get("targets"), "targets: give either providers or targets, not both");
        }
        String description = optionalString(top.get("description"), "description");
        YamlNode promptsNode = top.get("prompts");
        if (promptsNode == null) {
            throw new SuiteException(source, top.line(), "prompts: the suite needs at least one prompt");
        }
        List<PromptTemplate> prompts = prompts(promptsNode);
        YamlNode providersNode = top.get("providers") != null ? top.get("providers") : top.get("targets");
        List<ProviderSpec> providers = providersNode == null ? List.of() : providers(providersNode);
        TestDefaults defaults = top.get("defaultTest") == null ? TestDefaults.NONE : defaults(top.get("defaultTest"));
        List<TestCase> tests = tests(top.get("tests"), defaults, source, top.line());
        return new Suite(description, prompts, providers, tests, baseDir);
    }

    // ---- prompts ----

    private List<PromptTemplate> prompts(YamlNode node) {
        List<PromptTemplate> out = new ArrayList<>();
        switch (node) {
            case YamlNode.Scalar s -> out.addAll(prompt(s, "prompts", null));
            case YamlNode.Sequence seq -> {
                for (int i = 0; i < seq.items().size(); i++) {
                    YamlNode item = seq.items().get(i);
                    String where = "prompts[" + i + "]";
                    if (item instanceof YamlNode.Mapping m) {
                        checkKeys(m, where, PROMPT_KEYS);
                        String label = optionalString(m.get("label"), where + ".label");
                        if ((m.get("id") == null) == (m.get("raw") == null)) {
                            throw error(m, where + ": give exactly one of id (a file:// reference) or raw (the prompt text)");
                        }
                        out.addAll(prompt(m.get("id") != null ? m.get("id") : m.get("raw"), where, label));
                    } else {
                        out.addAll(prompt(item, where, null));
                    }
                }
            }
            case YamlNode.Mapping m -> throw error(m, "prompts: a map of prompts is not supported; use a list");
        }
        if (out.isEmpty()) {
            throw error(node, "prompts: the suite needs at least one prompt");
        }
        return out;
    }

    private List<PromptTemplate> prompt(YamlNode node, String where, String label) {
        String text = string(node, where);
        if (!text.startsWith("file://")) {
            return List.of(new PromptTemplate(label != null ? label : abbreviate(text), text));
        }
        String ref = text.substring("file://".length());
        String ext = extension(ref);
        String content = readReference(ref, node, where);
        String name = label != null ? label : ref;
        switch (ext) {
            case "txt", "md", "j2", "njk", "" -> {
                // promptfoo: a text file may hold several prompts separated by a line of three dashes
                String[] parts = content.split("\\R---\\R");
                List<PromptTemplate> out = new ArrayList<>();
                for (int i = 0; i < parts.length; i++) {
                    String part = parts[i].strip();
                    if (!part.isEmpty()) {
                        out.add(new PromptTemplate(parts.length == 1 ? name : name + "#" + (i + 1), part));
                    }
                }
                return out;
            }
            case "json" -> {
                return List.of(new PromptTemplate(name, content));
            }
            case "yaml", "yml" -> {
                Object messages = YamlReader.parse(content, ref).toPlain();
                try {
                    return List.of(new PromptTemplate(name, JSON.writeValueAsString(messages)));
                } catch (JsonProcessingException e) {
                    throw error(node, where + ": " + ref + " cannot be turned into chat messages");
                }
            }
            default -> throw error(node, where + ": prompt files of type ." + ext
                    + " are not supported (use .txt, .md, .json or .yaml)");
        }
    }

    // ---- providers ----

    private List<ProviderSpec> providers(YamlNode node) {
        List<YamlNode> items = node instanceof YamlNode.Sequence seq ? seq.items() : List.of(node);
        List<ProviderSpec> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            ProviderSpec p = provider(items.get(i), node instanceof YamlNode.Sequence ? "providers[" + i + "]" : "providers");
            if (ProviderIds.parse(p.id(), p.source(), p.line(), "providers").kind() == ProviderIds.Kind.OPENAI_EMBEDDING) {
                throw new SuiteException(p.source(), p.line(), "providers: '" + p.id()
                        + "' is an embedding provider; name it as a similar assertion's provider instead");
            }
            out.add(p);
        }
        return out;
    }

    private ProviderSpec provider(YamlNode node, String where) {
        String id;
        String label = null;
        YamlNode config = null;
        if (node instanceof YamlNode.Mapping m && m.get("id") == null && m.entries().size() == 1
                && m.entries().values().iterator().next() instanceof YamlNode.Mapping inner) {
            // promptfoo's short form: - openai:chat:gpt-4o-mini: {config: {...}}
            id = m.entries().keySet().iterator().next();
            checkKeys(inner, where, Set.of("label", "config"));
            label = optionalString(inner.get("label"), where + ".label");
            config = inner.get("config");
        } else if (node instanceof YamlNode.Mapping m) {
            checkKeys(m, where, PROVIDER_KEYS);
            if (m.get("id") == null) {
                throw error(m, where + ": a provider needs an id");
            }
            id = string(m.get("id"), where + ".id");
            label = optionalString(m.get("label"), where + ".label");
            config = m.get("config");
        } else {
            id = string(node, where);
        }
        ProviderIds.Parsed parsed = ProviderIds.parse(id, node.source(), node.line(), where);
        Map<String, Object> configMap = new LinkedHashMap<>();
        if (config != null) {
            YamlNode.Mapping cm = mapping(config, where + ".config");
            checkKeys(cm, where + ".config", ProviderIds.configKeys(parsed.kind()));
            cm.entries().forEach((k, v) -> configMap.put(k, v.toPlain()));
            checkNumbers(cm, where + ".config", "temperature", "max_tokens", "seed", "random_seed", "top_p", "top_k",
                    "min_p", "repeat_penalty", "threads", "context_size", "frequency_penalty", "presence_penalty");
        }
        return new ProviderSpec(id, label != null ? label : id, configMap, node.source(), node.line());
    }

    // ---- tests ----

    private record TestDefaults(Map<String, Object> vars, List<AssertionSpec> asserts, Double threshold,
                                Map<String, Object> metadata, ProviderSpec grader) {
        static final TestDefaults NONE = new TestDefaults(Map.of(), List.of(), null, Map.of(), null);
    }

    private TestDefaults defaults(YamlNode node) {
        YamlNode.Mapping m = mapping(node, "defaultTest");
        checkKeys(m, "defaultTest", DEFAULT_TEST_KEYS);
        return new TestDefaults(vars(m.get("vars"), "defaultTest.vars"), asserts(m.get("assert"), "defaultTest.assert"),
                optionalNumber(m.get("threshold"), "defaultTest.threshold"), metadata(m.get("metadata"), "defaultTest.metadata"),
                grader(m.get("options"), "defaultTest.options"));
    }

    private List<TestCase> tests(YamlNode node, TestDefaults defaults, String source, int line) {
        List<TestCase> out = new ArrayList<>();
        if (node == null) {
            // promptfoo runs each prompt once with no vars when a suite has no tests
            out.add(new TestCase(null, defaults.vars(), withGraders(defaults.asserts(), defaults.grader()),
                    defaults.threshold(), defaults.metadata(), source, line));
            return out;
        }
        switch (node) {
            case YamlNode.Scalar s -> out.addAll(testFile(s, "tests", defaults));
            case YamlNode.Sequence seq -> {
                for (int i = 0; i < seq.items().size(); i++) {
                    YamlNode item = seq.items().get(i);
                    String where = "tests[" + i + "]";
                    if (item instanceof YamlNode.Scalar s) {
                        out.addAll(testFile(s, where, defaults));
                    } else {
                        out.addAll(test(mapping(item, where), where, defaults));
                    }
                }
            }
            case YamlNode.Mapping m -> throw error(m, "tests: expected a list of tests or a file:// reference");
        }
        return out;
    }

    private List<TestCase> test(YamlNode.Mapping m, String where, TestDefaults defaults) {
        checkKeys(m, where, TEST_KEYS);
        String description = optionalString(m.get("description"), where + ".description");
        Map<String, Object> vars = new LinkedHashMap<>(defaults.vars());
        vars.putAll(vars(m.get("vars"), where + ".vars"));
        List<AssertionSpec> asserts = new ArrayList<>(defaults.asserts());
        asserts.addAll(asserts(m.get("assert"), where + ".assert"));
        Double threshold = optionalNumber(m.get("threshold"), where + ".threshold");
        Map<String, Object> metadata = new LinkedHashMap<>(defaults.metadata());
        metadata.putAll(metadata(m.get("metadata"), where + ".metadata"));
        ProviderSpec grader = grader(m.get("options"), where + ".options");
        return expand(description, vars, withGraders(asserts, grader != null ? grader : defaults.grader()),
                threshold != null ? threshold : defaults.threshold(), metadata, m.source(), m.line());
    }

    /** promptfoo runs a test once per combination of its list-valued vars. */
    private static List<TestCase> expand(String description, Map<String, Object> vars, List<AssertionSpec> asserts,
                                         Double threshold, Map<String, Object> metadata, String source, int line) {
        List<Map<String, Object>> combos = new ArrayList<>();
        combos.add(new LinkedHashMap<>());
        for (Map.Entry<String, Object> e : vars.entrySet()) {
            List<?> values = e.getValue() instanceof List<?> l ? l : List.of(e.getValue() == null ? "" : e.getValue());
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> c : combos) {
                for (Object v : values) {
                    Map<String, Object> copy = new LinkedHashMap<>(c);
                    copy.put(e.getKey(), v);
                    next.add(copy);
                }
            }
            combos = next;
        }
        List<TestCase> out = new ArrayList<>();
        for (Map<String, Object> c : combos) {
            out.add(new TestCase(description, c, asserts, threshold, metadata, source, line));
        }
        return out;
    }

    private List<TestCase> testFile(YamlNode.Scalar s, String where, TestDefaults defaults) {
        String text = string(s, where);
        if (!text.startsWith("file://")) {
            throw error(s, where + ": expected a test or a file:// reference, got '" + abbreviate(text) + "'");
        }
        String ref = text.substring("file://".length());
        String content = readReference(ref, s, where);
        List<TestCase> out = new ArrayList<>();
        switch (extension(ref)) {
            case "csv" -> {
                CsvTable table = CsvTable.parse(content, ref);
                for (CsvTable.Row row : table.rows()) {
                    out.addAll(csvTest(table.header(), row, ref, defaults));
                }
            }
            case "yaml", "yml", "json" -> {
                YamlNode root = YamlReader.parse(content, ref);
                List<YamlNode> items = root instanceof YamlNode.Sequence seq ? seq.items() : List.of(root);
                for (int i = 0; i < items.size(); i++) {
                    out.addAll(test(mapping(items.get(i), ref + "[" + i + "]"), "[" + i + "]", defaults));
                }
            }
            case "jsonl" -> {
                String[] lines = content.split("\\R");
                for (int i = 0; i < lines.length; i++) {
                    if (!lines[i].isBlank()) {
                        YamlNode row = YamlReader.parse(lines[i], ref);
                        YamlNode.Mapping m = mapping(YamlNode.fromPlain(row.toPlain(), ref, i + 1), "line " + (i + 1));
                        out.addAll(test(m, "test", defaults));
                    }
                }
            }
            default -> throw error(s, where + ": test files of type ." + extension(ref)
                    + " are not supported (use .csv, .yaml, .json or .jsonl)");
        }
        return out;
    }

    private static final Pattern EXPECTED_COLUMN = Pattern.compile("__expected\\d*");

    private List<TestCase> csvTest(List<String> header, CsvTable.Row row, String source, TestDefaults defaults) {
        Map<String, Object> vars = new LinkedHashMap<>(defaults.vars());
        List<AssertionSpec> asserts = new ArrayList<>(defaults.asserts());
        String description = null;
        String metric = null;
        Double threshold = defaults.threshold();
        List<String> expected = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            String name = header.get(c).strip();
            String cell = row.cells().get(c);
            if (!name.startsWith("__")) {
                vars.put(name, cell);
            } else if (EXPECTED_COLUMN.matcher(name).matches()) {
                if (!cell.isBlank()) {
                    expected.add(cell);
                }
            } else if (name.equals("__description")) {
                description = cell.isBlank() ? null : cell;
            } else if (name.equals("__metric")) {
                metric = cell.isBlank() ? null : cell;
            } else if (name.equals("__threshold")) {
                if (!cell.isBlank()) {
                    try {
                        threshold = Double.parseDouble(cell.strip());
                    } catch (NumberFormatException e) {
                        throw new SuiteException(source, row.line(), "__threshold '" + cell + "' is not a number");
                    }
                }
            } else {
                throw new SuiteException(source, 1, "CSV column '" + name
                        + "' is not supported (supported: __expected, __expectedN, __description, __metric, __threshold)");
            }
        }
        for (String e : expected) {
            asserts.add(assertionFromString(e, metric, source, row.line()));
        }
        return expand(description, vars, withGraders(asserts, defaults.grader()), threshold, defaults.metadata(), source,
                row.line());
    }

    private static final Pattern EXPECTED_FORM = Pattern.compile(
            "^(not-)?([a-z][a-z0-9-]*)(?:\\((\\d+(?:\\.\\d+)?)\\))?(?::([\\s\\S]*))?$");

    /**
     * promptfoo's CSV {@code __expected} cell: {@code TYPE:VALUE}, {@code TYPE(THRESHOLD)[:VALUE]}, a bare
     * {@code is-json}, or (anything else) a value the output must equal.
     */
    AssertionSpec assertionFromString(String cell, String metric, String source, int line) {
        String text = cell.strip();
        Matcher m = EXPECTED_FORM.matcher(text);
        if (m.matches()) {
            String base = m.group(2);
            boolean inverse = m.group(1) != null;
            // promptfoo's CSV aliases
            base = switch (base) {
                case "fn", "eval" -> "javascript";
                case "grade" -> "llm-rubric";
                default -> base;
            };
            boolean hasValue = m.group(4) != null;
            if (AssertionTypes.isKnownToPromptfoo(base) && (hasValue || AssertionTypes.SCHEMA_VALUE.contains(base)
                    || AssertionTypes.NO_VALUE.contains(base) || m.group(3) != null)) {
                Double threshold = m.group(3) != null ? Double.valueOf(m.group(3)) : null;
                Object value = hasValue ? m.group(4) : null;
                return checkedAssertion(base, inverse, value, threshold, 1.0, metric, source, line, "__expected");
            }
        }
        return checkedAssertion("equals", false, text, null, 1.0, metric, source, line, "__expected");
    }

    private List<AssertionSpec> asserts(YamlNode node, String where) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof YamlNode.Sequence seq)) {
            throw error(node, where + ": expected a list of assertions");
        }
        List<AssertionSpec> out = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            String w = where + "[" + i + "]";
            YamlNode.Mapping m = mapping(seq.items().get(i), w);
            checkKeys(m, w, ASSERT_KEYS);
            if (m.get("type") == null) {
                throw error(m, w + ": an assertion needs a type");
            }
            String type = string(m.get("type"), w + ".type");
            boolean inverse = type.startsWith("not-");
            String base = inverse ? type.substring(4) : type;
            Double threshold = optionalNumber(m.get("threshold"), w + ".threshold");
            Double weight = optionalNumber(m.get("weight"), w + ".weight");
            if (weight != null && (weight < 0 || weight.isInfinite() || weight.isNaN())) {
                throw error(m.get("weight"), w + ".weight must be a number >= 0");
            }
            String metric = optionalString(m.get("metric"), w + ".metric");
            YamlNode value = m.get("value");
            int line = m.get("type").line();
            if (!AssertionTypes.isSupported(base)) {
                checkedAssertion(base, inverse, null, threshold, 1, metric, m.source(), line, w + ".type");
            }
            ProviderSpec grader = null;
            if (m.get("provider") != null) {
                if (!AssertionTypes.GRADED.contains(base)) {
                    throw error(m.get("provider"), w + ".provider: '" + type + "' is not graded by a model and takes no provider");
                }
                grader = provider(m.get("provider"), w + ".provider");
            }
            AssertionSpec a = checkedAssertion(base, inverse, value == null ? null : value.toPlain(), threshold,
                    weight == null ? 1.0 : weight, metric, m.source(), value != null ? value.line() : line,
                    w + (value != null ? ".value" : ""));
            out.add(grader == null ? a : withGrader(a, grader));
        }
        return out;
    }

    private AssertionSpec checkedAssertion(String base, boolean inverse, Object value, Double threshold,
                                           double weight, String metric, String source, int line, String where) {
        String type = (inverse ? "not-" : "") + base;
        if (!AssertionTypes.isSupported(base)) {
            String what = AssertionTypes.isKnownToPromptfoo(base) ? "is not supported yet" : "is unknown";
            throw new SuiteException(source, line, where + ": assertion type '" + type + "' " + what
                    + " (supported, each also with not-: " + String.join(", ", AssertionTypes.SUPPORTED) + ")");
        }
        if (AssertionTypes.SINGLE_VALUE.contains(base)) {
            boolean ok = value instanceof String s ? !s.isEmpty() : value instanceof Number
                    || (base.equals("equals") && (value instanceof Map || value instanceof List || value instanceof Boolean));
            if (!ok) {
                throw new SuiteException(source, line, where + ": '" + type + "' needs a non-empty string value");
            }
            if (base.equals("regex")) {
                try {
                    Pattern.compile(String.valueOf(value));
                } catch (RuntimeException e) {
                    throw new SuiteException(source, line, where + ": '" + value + "' is not a valid regular expression");
                }
            }
        } else if (AssertionTypes.LIST_VALUE.contains(base)) {
            boolean ok = value instanceof List<?> l ? !l.isEmpty() : value instanceof String s && !s.isBlank();
            if (!ok) {
                throw new SuiteException(source, line, where + ": '" + type
                        + "' needs a list of strings (or one comma-separated string)");
            }
        } else if (AssertionTypes.SCHEMA_VALUE.contains(base)) {
            value = schemaValue(value, type, source, line, where);
        } else if (base.equals("llm-rubric")) {
            if (!(value instanceof String rubric) || rubric.isBlank()) {
                throw new SuiteException(source, line, where + ": '" + type + "' needs the rubric as a string value");
            }
        } else if (base.equals("similar")) {
            boolean ok = value instanceof String str ? !str.isBlank()
                    : value instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(x -> x instanceof String);
            if (!ok) {
                throw new SuiteException(source, line, where + ": '" + type + "' needs a string (or list of strings) to compare with");
            }
        } else if (AssertionTypes.CODE_VALUE.contains(base)) {
            if (!(value instanceof String code) || code.isBlank()) {
                throw new SuiteException(source, line, where + ": '" + type + "' needs the code as a string value");
            }
            if (code.strip().startsWith("file://")) {
                throw new SuiteException(source, line, where + ": '" + type
                        + "' from a file is not supported (scripts are not run from files); inline the code");
            }
        } else if (AssertionTypes.NO_VALUE.contains(base) && value != null) {
            throw new SuiteException(source, line, where + ": '" + type + "' takes no value"
                    + (base.equals("latency") ? " (give the limit in milliseconds as threshold)" : ""));
        }
        if (AssertionTypes.NEEDS_THRESHOLD.contains(base) && threshold == null) {
            throw new SuiteException(source, line, where + ": '" + type + "' needs a threshold (milliseconds)");
        }
        return new AssertionSpec(base, inverse, value, threshold, weight, metric, source, line);
    }

    /** {@code options: {provider: ...}} of a test or defaultTest: the grader for its model-graded assertions. */
    private ProviderSpec grader(YamlNode options, String where) {
        if (options == null) {
            return null;
        }
        YamlNode.Mapping m = mapping(options, where);
        checkKeys(m, where, OPTIONS_KEYS);
        return m.get("provider") == null ? null : provider(m.get("provider"), where + ".provider");
    }

    /** Gives model-graded assertions without their own provider the test's, and checks each has a fitting one. */
    private static List<AssertionSpec> withGraders(List<AssertionSpec> asserts, ProviderSpec testGrader) {
        List<AssertionSpec> out = new ArrayList<>(asserts.size());
        for (AssertionSpec a : asserts) {
            if (!AssertionTypes.GRADED.contains(a.type())) {
                out.add(a);
                continue;
            }
            AssertionSpec g = a.grader() != null ? a : testGrader != null ? withGrader(a, testGrader) : null;
            if (g == null) {
                throw new SuiteException(a.source(), a.line(), "'" + a.displayType()
                        + "' needs a provider to grade with: set the assertion's provider or the test's options.provider");
            }
            out.add(g);
        }
        return out;
    }

    private static AssertionSpec withGrader(AssertionSpec a, ProviderSpec grader) {
        ProviderIds.Kind kind = ProviderIds.parse(grader.id(), grader.source(), grader.line(), "provider").kind();
        boolean embedding = kind == ProviderIds.Kind.OPENAI_EMBEDDING;
        if (a.type().equals("similar") != embedding) {
            throw new SuiteException(grader.source(), grader.line(), "provider '" + grader.id() + "' cannot grade '"
                    + a.displayType() + "': similar needs an embedding provider (openai:embedding:MODEL), "
                    + "llm-rubric a chat provider");
        }
        return new AssertionSpec(a.type(), a.inverse(), a.value(), a.threshold(), a.weight(), a.metric(), a.source(),
                a.line(), grader);
    }

    /**
     * An optional JSON schema: a mapping, or (as promptfoo) YAML/JSON text or a file:// reference to it.
     * Compiled here so a broken schema is a suite error with its line, not a failure of every output.
     */
    private Object schemaValue(Object value, String type, String source, int line, String where) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            return null;
        }
        Object schema = value;
        if (value instanceof String s) {
            YamlNode at = new YamlNode.Scalar(source, line, s);
            String text = s.startsWith("file://") ? readReference(s.substring("file://".length()), at, where) : s;
            schema = YamlReader.parse(text, source).toPlain();
        }
        if (!(schema instanceof Map) && !(schema instanceof Boolean)) {
            throw new SuiteException(source, line, where + ": '" + type + "' takes an optional JSON schema as value");
        }
        try {
            dev.sirocco.evals.assertions.JsonValues.schema(schema);
        } catch (RuntimeException e) {
            throw new SuiteException(source, line, where + ": the JSON schema is not valid: " + e.getMessage());
        }
        return schema;
    }

    private Map<String, Object> vars(YamlNode node, String where) {
        if (node == null) {
            return Map.of();
        }
        YamlNode.Mapping m = mapping(node, where);
        Map<String, Object> out = new LinkedHashMap<>();
        m.entries().forEach((k, v) -> out.put(k, varValue(v, where + "." + k)));
        return out;
    }

    private Object varValue(YamlNode v, String where) {
        if (v instanceof YamlNode.Scalar s && s.value() instanceof String text && text.startsWith("file://")) {
            String ref = text.substring("file://".length());
            String content = readReference(ref, v, where);
            return switch (extension(ref)) {
                case "json", "yaml", "yml" -> YamlReader.parse(content, ref).toPlain();
                case "js", "py", "cjs", "mjs", "ts", "rb" -> throw error(v, where + ": vars computed by ."
                        + extension(ref) + " scripts are not supported; use a text, JSON or YAML file");
                default -> content;
            };
        }
        if (v instanceof YamlNode.Sequence seq) {
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < seq.items().size(); i++) {
                values.add(varValue(seq.items().get(i), where + "[" + i + "]"));
            }
            return values;
        }
        return v.toPlain();
    }

    private static Map<String, Object> metadata(YamlNode node, String where) {
        if (node == null) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) mapping(node, where).toPlain();
        return m;
    }

    // ---- helpers ----

    private String readReference(String ref, YamlNode at, String where) {
        if (ref.isEmpty() || ref.contains("*")) {
            throw error(at, where + ": file://" + ref + " must name one file (globs are not supported)");
        }
        Path path = baseDir.resolve(ref).normalize();
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw error(at, where + ": file://" + ref + " does not exist (relative paths start at the suite's folder)");
        } catch (IOException e) {
            throw error(at, where + ": cannot read file://" + ref + ": " + e.getMessage());
        }
    }

    private static void checkKeys(YamlNode.Mapping m, String where, Set<String> allowed) {
        for (String key : m.entries().keySet()) {
            if (!allowed.contains(key)) {
                throw new SuiteException(m.source(), m.keyLine(key), where + ": key '" + key
                        + "' is not supported (supported: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    private static void checkNumbers(YamlNode.Mapping m, String where, String... keys) {
        for (String k : keys) {
            YamlNode v = m.get(k);
            if (v != null && !(v instanceof YamlNode.Scalar s && s.value() instanceof Number)) {
                throw error(v, where + "." + k + " must be a number");
            }
        }
    }

    private static YamlNode.Mapping mapping(YamlNode node, String where) {
        if (node instanceof YamlNode.Mapping m) {
            return m;
        }
        throw error(node, where + ": expected a mapping (key: value)");
    }

    private static String string(YamlNode node, String where) {
        if (node instanceof YamlNode.Scalar s && s.value() != null && !(s.value() instanceof Boolean)) {
            return String.valueOf(s.value());
        }
        throw error(node, where + ": expected a string");
    }

    private static String optionalString(YamlNode node, String where) {
        return node == null ? null : string(node, where);
    }

    private static Double optionalNumber(YamlNode node, String where) {
        if (node == null) {
            return null;
        }
        if (node instanceof YamlNode.Scalar s && s.value() instanceof Number n) {
            return n.doubleValue();
        }
        throw error(node, where + ": expected a number");
    }

    private static SuiteException error(YamlNode at, String message) {
        return new SuiteException(at.source(), at.line(), message);
    }

    private static String extension(String ref) {
        String name = ref.substring(ref.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static String abbreviate(String text) {
        String one = text.strip().replaceAll("\\s+", " ");
        return one.length() <= 40 ? one : one.substring(0, 37) + "...";
    }
}
