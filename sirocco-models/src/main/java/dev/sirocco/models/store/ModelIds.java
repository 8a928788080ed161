package dev.sirocco.models.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Store ids: {@code NAME:TAG}, lower case, stable and readable ({@code mistral-7b-instruct-v0.3:q4_k_m}). NAME comes
 * from the repository or file name, TAG from the quantization in the file name (or the file's own type).
 */
public final class ModelIds {
    /** Lower-case letters, digits, '.', '_', '-'; one optional ':' before the tag. */
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]*(:[a-z0-9][a-z0-9._-]*)?");

    /**
     * Quantization names as they appear in GGUF file names (Q4_K_M, IQ4_XS, BF16, Q8_0, ...), at the end of the
     * name after '-', '.' or '_'. Group 1 is the name before it, group 2 the quantization.
     */
    private static final Pattern QUANT_SUFFIX = Pattern.compile(
            "(?i)^(.*?)[-._](i?q[0-9]_(?:[0-9]|k(?:_[a-z]+)?|[a-z]+(?:_[a-z]+)?)|f16|bf16|f32|tq[12]_0|mxfp4)$");

    private ModelIds() {
    }

    public static boolean isValid(String id) {
        return VALID.matcher(id).matches();
    }

    /** The quantization named at the end of a GGUF file name ("Q4_K_M" for "Mistral-7B-v0.3-Q4_K_M.gguf"), if any. */
    public static Optional<String> quantizationOf(String fileName) {
        Matcher m = QUANT_SUFFIX.matcher(stripGguf(baseName(fileName)));
        return m.matches() ? Optional.of(m.group(2).toUpperCase(Locale.ROOT)) : Optional.empty();
    }

    /**
     * The id for a GGUF file: its name without the quantization and extension, then ':' and the quantization
     * ({@code fallbackType} when the name has none), all normalised to the valid alphabet.
     */
    public static String forFile(String fileName, String fallbackType) {
        String stem = stripGguf(baseName(fileName));
        Matcher m = QUANT_SUFFIX.matcher(stem);
        String name = m.matches() ? m.group(1) : stem;
        String tag = m.matches() ? m.group(2) : fallbackType;
        return normalise(name) + ":" + normalise(tag);
    }

    /** The ids among {@code known} closest to {@code id} (by edit distance, or sharing its name), best first. */
    public static List<String> closest(String id, Collection<String> known, int max) {
        String wanted = id.toLowerCase(Locale.ROOT);
        String wantedName = wanted.contains(":") ? wanted.substring(0, wanted.indexOf(':')) : wanted;
        record Scored(String id, int distance) {}
        List<Scored> scored = new ArrayList<>();
        for (String k : known) {
            String name = k.contains(":") ? k.substring(0, k.indexOf(':')) : k;
            int d = distance(wanted, k);
            boolean related = name.equals(wantedName) || name.contains(wantedName) || wantedName.contains(name);
            if (related || d <= Math.max(3, wanted.length() / 3)) {
                scored.add(new Scored(k, related ? Math.min(d, 1) : d));
            }
        }
        scored.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::id));
        return scored.stream().limit(max).map(Scored::id).toList();
    }

    static String normalise(String s) {
        String n = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[-._]+|[-._]+$", "");
        return n.isEmpty() ? "model" : n;
    }

    private static String baseName(String path) {
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }

    private static String stripGguf(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
