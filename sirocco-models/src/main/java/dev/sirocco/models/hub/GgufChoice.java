package dev.sirocco.models.hub;

import dev.sirocco.models.ModelRequestException;
import dev.sirocco.models.store.ModelIds;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Picks the GGUF file a {@link HubReference} asks for among a repository's files. */
public final class GgufChoice {
    /** The shards of a split GGUF ({@code name-00001-of-00003.gguf}), as llama.cpp's gguf-split names them. */
    static final Pattern SPLIT = Pattern.compile("(?i)^(.*)-(\\d{5})-of-(\\d{5})\\.gguf$");

    private GgufChoice() {
    }

    /**
     * The file {@code ref} asks for: one file, or every shard of a split model in order (whichever shard the
     * reference named).
     */
    public static List<HubFile> choose(HubRepository repo, HubReference ref) {
        HubFile chosen = chooseOne(repo, ref);
        var split = SPLIT.matcher(baseName(chosen.name()));
        if (!split.matches()) {
            return List.of(chosen);
        }
        String dir = chosen.name().substring(0, chosen.name().length() - baseName(chosen.name()).length());
        int count = Integer.parseInt(split.group(3));
        List<HubFile> shards = new java.util.ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String name = String.format(Locale.ROOT, "%s%s-%05d-of-%05d.gguf", dir, split.group(1), i, count);
            shards.add(repo.files().stream().filter(f -> f.name().equalsIgnoreCase(name)).findFirst()
                    .orElseThrow(() -> new ModelRequestException(ref.repo() + " lists " + chosen.name()
                            + " but not its shard " + name + "; the split model is incomplete on the hub")));
        }
        return shards;
    }

    private static HubFile chooseOne(HubRepository repo, HubReference ref) {
        List<HubFile> ggufs = repo.files().stream()
                .filter(f -> f.name().toLowerCase(Locale.ROOT).endsWith(".gguf")).toList();
        if (ggufs.isEmpty()) {
            throw new ModelRequestException(ref.repo() + " has no GGUF files; for a safetensors checkpoint, download it"
                    + " and run 'sirocco convert DIR --out F.gguf'");
        }
        if (ref.selectsFile()) {
            return ggufs.stream().filter(f -> f.name().equals(ref.selector()) || baseName(f.name()).equals(ref.selector()))
                    .findFirst().orElseThrow(() -> new ModelRequestException("no file " + ref.selector() + " in "
                            + ref.repo() + "; its GGUF files are: " + String.join(", ", ggufs.stream().map(HubFile::name).toList())));
        }
        String quant = ref.quantization().toUpperCase(Locale.ROOT);
        List<HubFile> matches = ggufs.stream()
                .filter(f -> quantOf(f).map(q -> q.equals(quant)).orElse(false))
                // mmproj files (vision projectors) are never the language model
                .filter(f -> !baseName(f.name()).toLowerCase(Locale.ROOT).startsWith("mmproj"))
                .toList();
        if (matches.isEmpty()) {
            TreeSet<String> available = new TreeSet<>();
            ggufs.forEach(f -> quantOf(f).ifPresent(available::add));
            throw new ModelRequestException(ref.repo() + " has no " + quant + " GGUF file; available: "
                    + (available.isEmpty() ? String.join(", ", ggufs.stream().map(HubFile::name).toList()) : String.join(", ", available))
                    + " (choose with hf:" + ref.repo() + ":QUANT)");
        }
        return matches.getFirst();
    }

    private static java.util.Optional<String> quantOf(HubFile f) {
        String name = baseName(f.name());
        var split = SPLIT.matcher(name);
        if (split.matches()) {
            name = split.group(1) + ".gguf";
        }
        return ModelIds.quantizationOf(name);
    }

    static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
