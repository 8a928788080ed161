package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.models.ModelRequestException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A Hugging Face checkpoint directory: {@code config.json}, the weights in one or more {@code *.safetensors} files
 * (listed by {@code model.safetensors.index.json} when there is one), {@code tokenizer.json} and
 * {@code tokenizer_config.json}. All shards are mapped; a tensor name may appear in only one.
 */
public final class HfCheckpoint implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final JsonNode config;
    private final List<SafetensorsFile> shards;
    private final Map<String, SafetensorsTensor> tensors;

    private HfCheckpoint(Path dir, JsonNode config, List<SafetensorsFile> shards, Map<String, SafetensorsTensor> tensors) {
        this.dir = dir;
        this.config = config;
        this.shards = shards;
        this.tensors = tensors;
    }

    public static HfCheckpoint open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ModelRequestException("checkpoint directory not found: " + dir);
        }
        JsonNode config = readJson(dir.resolve("config.json"), "config.json");
        List<Path> files = shardFiles(dir);
        List<SafetensorsFile> shards = new ArrayList<>();
        Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();
        try {
            for (Path p : files) {
                SafetensorsFile f = SafetensorsFile.open(p);
                shards.add(f);
                for (SafetensorsTensor t : f.tensors().values()) {
                    if (tensors.putIfAbsent(t.name(), t) != null) {
                        throw new ModelRequestException("tensor " + t.name() + " appears in more than one safetensors file of " + dir);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            shards.forEach(SafetensorsFile::close);
            throw e;
        }
        return new HfCheckpoint(dir, config, shards, tensors);
    }

    private static List<Path> shardFiles(Path dir) throws IOException {
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            JsonNode map = readJson(index, index.getFileName().toString()).path("weight_map");
            if (!map.isObject() || map.isEmpty()) {
                throw new ModelRequestException(index.getFileName() + " has no weight_map");
            }
            Set<String> names = new LinkedHashSet<>();
            map.properties().forEach(e -> names.add(e.getValue().asText()));
            List<Path> files = new ArrayList<>();
            for (String n : names) {
                Path p = dir.resolve(n).normalize();
                if (!p.startsWith(dir.normalize()) || !Files.isRegularFile(p)) {
                    throw new ModelRequestException(index.getFileName() + " lists " + n + ", which is not a file in " + dir);
                }
                files.add(p);
            }
            return files;
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
            if (files.isEmpty()) {
                throw new ModelRequestException("no *.safetensors files in " + dir
                        + " (only safetensors checkpoints are converted; PyTorch .bin files are not)");
            }
            return files;
        }
    }

    static JsonNode readJson(Path p, String what) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new ModelRequestException(what + " not found in " + p.getParent());
        }
        try {
            return JSON.readTree(p.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ModelRequestException(what + " in " + p.getParent() + " is not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    public Path dir() {
        return dir;
    }

    public JsonNode config() {
        return config;
    }

    /** Every tensor by name, over all shards. */
    public Map<String, SafetensorsTensor> tensors() {
        return tensors;
    }

    /** A JSON file of the checkpoint, or null when absent. */
    public JsonNode optionalJson(String name) throws IOException {
        Path p = dir.resolve(name);
        return Files.isRegularFile(p) ? readJson(p, name) : null;
    }

    /** A file of the checkpoint's bytes (tokenizer.model), or null when absent. */
    public byte[] optionalBytes(String name) throws IOException {
        Path p = dir.resolve(name);
        return Files.isRegularFile(p) ? Files.readAllBytes(p) : null;
    }

    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }
}
