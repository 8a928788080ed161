package dev.sirocco.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sirocco.engine.gguf.GgufArray;
import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufMetadata;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.engine.model.ModelConfig;
import dev.sirocco.engine.model.UnsupportedModelException;
import dev.sirocco.engine.runtime.EngineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code sirocco inspect}: a GGUF file's metadata, tensors, types, sizes and a memory estimate. */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Show a GGUF file's metadata, tensors and memory estimate.")
final class InspectCommand implements Callable<Integer> {
    private static final int ARRAY_PREVIEW = 8;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M", description = "Path to a .gguf file.")
    String model;

    @Option(names = "--tensors", description = "List every tensor (default: a summary per type).")
    boolean allTensors;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (GgufFile file = ModelFile.open(model)) {
            Map<String, Object> report = report(file);
            if (json) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            } else {
                printText(report);
            }
        }
        return Main.EXIT_OK;
    }

    private Map<String, Object> report(GgufFile file) {
        GgufMetadata md = file.metadata();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("file", file.path().toString());
        r.put("gguf_version", file.version());
        r.put("file_bytes", file.fileSize());
        Map<String, Object> meta = new LinkedHashMap<>();
        for (String key : md.keys()) {
            meta.put(key, preview(md.get(key)));
        }
        r.put("metadata", meta);

        long params = 0;
        long weightBytes = 0;
        Map<String, long[]> byType = new TreeMap<>(); // type -> {tensors, bytes}
        List<Map<String, Object>> tensors = new ArrayList<>();
        for (GgufTensorInfo t : file.tensorInfos()) {
            long n = 1;
            for (long d : t.shape()) {
                n *= d;
            }
            params += n;
            weightBytes += t.byteSize();
            long[] agg = byType.computeIfAbsent(t.type().name(), k -> new long[2]);
            agg[0]++;
            agg[1] += t.byteSize();
            if (allTensors) {
                tensors.add(Map.of("name", t.name(), "type", t.type().name(), "shape", t.shape(), "bytes", t.byteSize()));
            }
        }
        r.put("tensor_count", file.tensorInfos().size());
        r.put("parameters", params);
        Map<String, Object> types = new LinkedHashMap<>();
        byType.forEach((k, v) -> types.put(k, Map.of("tensors", v[0], "bytes", v[1])));
        r.put("types", types);
        if (allTensors) {
            r.put("tensors", tensors);
        }
        try {
            ModelConfig c = ModelConfig.from(md);
            int ctx = Math.min(c.contextLength(), EngineOptions.DEFAULT_MAX_CONTEXT);
            long kv = (long) ctx * c.layers() * (c.kvDim() + c.vDim()) * 2; // F16 cache
            Map<String, Object> mem = new LinkedHashMap<>();
            mem.put("architecture", c.architecture().ggufName());
            mem.put("weights_bytes", weightBytes);
            mem.put("kv_cache_bytes_f16", kv);
            mem.put("context", ctx);
            mem.put("total_estimate_bytes", weightBytes + kv);
            r.put("memory_estimate", mem);
        } catch (UnsupportedModelException | IllegalArgumentException e) {
            r.put("memory_estimate", "not a model Sirocco can run: " + e.getMessage());
        }
        return r;
    }

    private static Object preview(Object v) {
        if (v instanceof GgufArray a) {
            int n = a.length();
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < Math.min(n, ARRAY_PREVIEW); i++) {
                Object item = Array.get(a.values(), i);
                items.add(item instanceof GgufArray ? "[...]" : item);
            }
            if (n <= ARRAY_PREVIEW) {
                return items;
            }
            return Map.of("type", a.elementType().name(), "length", n, "first", items);
        }
        if (v instanceof String s && s.length() > 200) {
            return s.substring(0, 200) + "... (" + s.length() + " chars)";
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static void printText(Map<String, Object> r) {
        System.out.printf("%s: GGUF v%s, %,d bytes%n", r.get("file"), r.get("gguf_version"), (Long) r.get("file_bytes"));
        System.out.println("metadata:");
        ((Map<String, Object>) r.get("metadata")).forEach((k, v) -> System.out.printf("  %-45s %s%n", k, v));
        System.out.printf("tensors: %d, parameters: %,d%n", (Integer) r.get("tensor_count"), (Long) r.get("parameters"));
        ((Map<String, Object>) r.get("types")).forEach((k, v) -> System.out.printf("  %-6s %s%n", k, v));
        if (r.containsKey("tensors")) {
            for (Map<String, Object> t : (List<Map<String, Object>>) r.get("tensors")) {
                System.out.printf("  %-40s %-5s %-24s %,d bytes%n", t.get("name"), t.get("type"),
                        java.util.Arrays.toString((long[]) t.get("shape")), (Long) t.get("bytes"));
            }
        }
        System.out.println("memory estimate: " + r.get("memory_estimate"));
    }
}
