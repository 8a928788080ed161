package dev.sirocco.chat.constraint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compiles JSON schemas (the subset below) into {@link GrammarNode}s. Supported: {@code type} (one or a list),
 * {@code properties}, {@code required}, {@code additionalProperties}, {@code items}, {@code minItems},
 * {@code maxItems}, {@code minLength}, {@code maxLength}, {@code minimum}, {@code maximum},
 * {@code exclusiveMinimum}, {@code exclusiveMaximum} (number or draft-4 boolean), {@code enum}, {@code const},
 * {@code anyOf}, {@code oneOf} (as anyOf), {@code allOf} of one schema, {@code $ref} to {@code #}, {@code #/$defs/..}
 * or {@code #/definitions/..}; annotations are ignored. Any other keyword is a {@link SchemaException} naming it.
 */
final class SchemaCompiler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "examples", "$schema", "$id",
            "$comment", "deprecated", "readOnly", "writeOnly", "$defs", "definitions");
    private static final Set<String> KEYWORDS = Set.of("type", "properties", "required", "additionalProperties", "items",
            "minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
            "enum", "const", "anyOf", "oneOf", "allOf", "$ref");
    private static final Set<String> TYPES = Set.of("object", "array", "string", "number", "integer", "boolean", "null");
    private static final int MAX_PROPERTIES = 64;

    private final List<GrammarNode> nodes = new ArrayList<>();
    private final Map<String, Integer> refs = new HashMap<>();
    private JsonNode document;
    private String documentPath;
    private int any = -1;

    /** The grammar's nodes, minimal lengths computed; fails if some value could never be completed. */
    GrammarNode[] finish() {
        GrammarNode[] all = nodes.toArray(GrammarNode[]::new);
        for (GrammarNode n : all) {
            if (n.kind == GrammarNode.OBJECT) {
                int p = n.keys.length;
                n.reachable = new long[p + 1];
                n.mayClose = new boolean[p + 1];
                n.restAfter = new int[p + 1];
                n.mayClose[p] = true;
                for (int j = p - 1; j >= 0; j--) {
                    n.mayClose[j] = n.mayClose[j + 1] && !n.required[j];
                }
                for (int j = 0; j <= p; j++) {
                    for (int k = j; k < p; k++) {
                        n.reachable[j] |= 1L << k;
                        if (n.required[k]) {
                            break;
                        }
                    }
                }
            }
        }
        boolean changed = true;
        while (changed) { // lengths only shrink, from "unknown" (recursive schemas need several rounds)
            changed = false;
            for (GrammarNode n : all) {
                int m = (int) Math.min(JsonMatcher.INF, minLength(n, all));
                if (m < n.minLength) {
                    n.minLength = m;
                    changed = true;
                }
            }
        }
        for (GrammarNode n : all) {
            if (n.minLength >= JsonMatcher.INF) {
                throw new SchemaException(n.path, "no finite JSON value satisfies this schema");
            }
        }
        return all;
    }

    private static long minLength(GrammarNode n, GrammarNode[] all) {
        long inf = JsonMatcher.INF;
        switch (n.kind) {
            case GrammarNode.SEQUENCE -> {
                return n.prefix.length + (long) all[n.child].minLength + n.suffix.length;
            }
            case GrammarNode.OBJECT -> {
                int p = n.keys.length;
                n.restAfter[p] = 1;
                for (int j = p - 1; j >= 0; j--) {
                    long add = n.required[j] ? 1L + n.keys[j].length + all[n.values[j]].minLength : 0;
                    n.restAfter[j] = (int) Math.min(inf, n.restAfter[j + 1] + add);
                }
                if (n.mayClose[0]) {
                    return 2;
                }
                long best = inf;
                for (long m = n.reachable[0]; m != 0; m &= m - 1) {
                    int j = Long.numberOfTrailingZeros(m);
                    best = Math.min(best, 1L + n.keys[j].length + all[n.values[j]].minLength + n.restAfter[j + 1]);
                }
                return best;
            }
            case GrammarNode.MAP -> {
                return 2;
            }
            case GrammarNode.ARRAY -> {
                return n.min == 0 ? 2 : 2L + (long) n.min * all[n.child].minLength + n.min - 1;
            }
            case GrammarNode.STRING -> {
                return 2L + n.min;
            }
            case GrammarNode.NUMBER -> {
                return JsonMatcher.numberStartCost(n);
            }
            case GrammarNode.LITERALS -> {
                return Arrays.stream(n.literals).mapToLong(l -> l.length).min().orElse(inf);
            }
            case GrammarNode.UNION -> {
                long best = inf;
                for (int b : n.branches) {
                    best = Math.min(best, all[b].minLength);
                }
                return best;
            }
            default -> throw new IllegalStateException("unknown node kind " + n.kind);
        }
    }

    private GrammarNode add(int kind, String path) {
        GrammarNode n = new GrammarNode(kind, nodes.size(), path);
        nodes.add(n);
        return n;
    }

    /** Literal prefix, a value of {@code value}, literal suffix. */
    int sequence(String prefix, int value, String suffix) {
        GrammarNode n = add(GrammarNode.SEQUENCE, "");
        n.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        n.suffix = suffix.getBytes(StandardCharsets.UTF_8);
        n.child = value;
        return n.id;
    }

    /** Compiles {@code schema}; errors name keywords as {@code path.keyword}. */
    int compileDocument(JsonNode schema, String path) {
        document = schema;
        documentPath = path;
        refs.clear(); // references are resolved within their own document
        return compile(schema, path);
    }

    /** Any JSON object (json_object mode). */
    int anyObject() {
        anyValue();
        return nodes.get(any).branches[0];
    }

    /** An object of exactly these properties in this order, all required. */
    int object(String path, List<String> names, List<Integer> values) {
        GrammarNode n = add(GrammarNode.OBJECT, path);
        n.keys = names.stream().map(SchemaCompiler::key).toArray(byte[][]::new);
        n.values = values.stream().mapToInt(Integer::intValue).toArray();
        n.required = new boolean[names.size()];
        Arrays.fill(n.required, true);
        return n.id;
    }

    int literals(String path, List<JsonNode> values) {
        TreeSet<byte[]> sorted = new TreeSet<>(Arrays::compareUnsigned);
        for (JsonNode v : values) {
            try {
                sorted.add(JSON.writeValueAsBytes(v));
            } catch (JsonProcessingException e) {
                throw new SchemaException(path, "cannot encode " + v);
            }
        }
        GrammarNode n = add(GrammarNode.LITERALS, path);
        n.literals = sorted.toArray(byte[][]::new);
        return n.id;
    }

    int union(String path, int... branches) {
        GrammarNode n = add(GrammarNode.UNION, path);
        n.branches = branches;
        return n.id;
    }

    private int anyValue() {
        if (any < 0) {
            GrammarNode u = add(GrammarNode.UNION, "");
            any = u.id;
            GrammarNode map = add(GrammarNode.MAP, "");
            map.child = any;
            map.keyString = add(GrammarNode.STRING, "").id;
            GrammarNode array = add(GrammarNode.ARRAY, "");
            array.child = any;
            int string = add(GrammarNode.STRING, "").id;
            int number = number("", false, null, false, null, false);
            int constants = literals("", List.of(JSON.getNodeFactory().booleanNode(true),
                    JSON.getNodeFactory().booleanNode(false), JSON.getNodeFactory().nullNode()));
            u.branches = new int[] {map.id, array.id, string, number, constants};
        }
        return any;
    }

    private int compile(JsonNode schema, String path) {
        if (schema.isBoolean()) {
            if (!schema.asBoolean()) {
                throw new SchemaException(path, "the schema false allows no value");
            }
            return anyValue();
        }
        if (!schema.isObject()) {
            throw new SchemaException(path, "a schema must be an object or a boolean, got " + schema.getNodeType());
        }
        List<String> keywords = new ArrayList<>();
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!ANNOTATIONS.contains(k)) {
                if (!KEYWORDS.contains(k)) {
                    throw new SchemaException(join(path, k), "unsupported JSON schema keyword '" + k
                            + "' (supported: type, properties, required, additionalProperties, items, minItems, maxItems, "
                            + "minLength, maxLength, minimum, maximum, exclusiveMinimum, exclusiveMaximum, enum, const, "
                            + "anyOf, oneOf, allOf, $ref)", true);
                }
                keywords.add(k);
            }
        }
        if (schema.has("$ref")) {
            alone(keywords, "$ref", path);
            return ref(schema.get("$ref"), join(path, "$ref"));
        }
        for (String combinator : List.of("anyOf", "oneOf")) {
            if (schema.has(combinator)) {
                alone(keywords, combinator, path);
                JsonNode list = schema.get(combinator);
                String at = join(path, combinator);
                if (!list.isArray() || list.isEmpty()) {
                    throw new SchemaException(at, "must be a non-empty array of schemas");
                }
                int[] branches = new int[list.size()];
                for (int i = 0; i < branches.length; i++) {
                    branches[i] = compile(list.get(i), at + "." + i);
                }
                return union(at, branches);
            }
        }
        if (schema.has("allOf")) {
            alone(keywords, "allOf", path);
            JsonNode list = schema.get("allOf");
            if (!list.isArray() || list.size() != 1) {
                throw new SchemaException(join(path, "allOf"), "only an allOf of exactly one schema is supported", true);
            }
            return compile(list.get(0), join(path, "allOf") + ".0");
        }
        List<String> types = types(schema, path);
        if (schema.has("const")) {
            return literals(join(path, "const"), List.of(schema.get("const")));
        }
        if (schema.has("enum")) {
            JsonNode list = schema.get("enum");
            String at = join(path, "enum");
            if (!list.isArray() || list.isEmpty()) {
                throw new SchemaException(at, "must be a non-empty array");
            }
            List<JsonNode> values = new ArrayList<>();
            list.forEach(v -> {
                if (types == null || types.stream().anyMatch(t -> hasType(v, t))) {
                    values.add(v);
                }
            });
            if (values.isEmpty()) {
                throw new SchemaException(at, "no value of the enum has the schema's type " + types);
            }
            return literals(at, values);
        }
        List<String> resolved = types != null ? types : List.of(inferType(schema));
        if (resolved.size() == 1) {
            return typed(schema, resolved.getFirst(), path);
        }
        int[] branches = new int[resolved.size()];
        for (int i = 0; i < branches.length; i++) {
            branches[i] = typed(schema, resolved.get(i), path);
        }
        return union(join(path, "type"), branches);
    }

    private static void alone(List<String> keywords, String keyword, String path) {
        for (String k : keywords) {
            if (!k.equals(keyword)) {
                throw new SchemaException(join(path, k), "'" + k + "' beside '" + keyword + "' is not supported: move it into the "
                        + keyword + (keyword.equals("$ref") ? " target" : " branches"), true);
            }
        }
    }

    private int ref(JsonNode ref, String path) {
        String target = ref.asText();
        Integer known = refs.get(target);
        if (known != null) {
            return known;
        }
        JsonNode schema;
        String at;
        if (target.equals("#")) {
            schema = document;
            at = documentPath;
        } else if (target.startsWith("#/$defs/") || target.startsWith("#/definitions/")) {
            String section = target.startsWith("#/$defs/") ? "$defs" : "definitions";
            String name = target.substring(section.length() + 3).replace("~1", "/").replace("~0", "~");
            schema = document.path(section).get(name);
            at = join(join(documentPath, section), name);
        } else {
            throw new SchemaException(path, "only references into this schema (#, #/$defs/..., #/definitions/...) are supported, got '" + target + "'", true);
        }
        if (schema == null || schema.isMissingNode()) {
            throw new SchemaException(path, "'" + target + "' names no schema");
        }
        // an indirection first, so a recursive reference finds it while its target compiles
        GrammarNode link = add(GrammarNode.UNION, at);
        refs.put(target, link.id);
        link.branches = new int[] {compile(schema, at)};
        return link.id;
    }

    private static List<String> types(JsonNode schema, String path) {
        JsonNode t = schema.get("type");
        if (t == null) {
            return null;
        }
        String at = join(path, "type");
        List<String> out = new ArrayList<>();
        if (t.isTextual()) {
            out.add(t.asText());
        } else if (t.isArray() && !t.isEmpty()) {
            t.forEach(x -> out.add(x.asText()));
        } else {
            throw new SchemaException(at, "must be a type name or a non-empty array of them");
        }
        for (String name : out) {
            if (!TYPES.contains(name)) {
                throw new SchemaException(at, "unknown type '" + name + "' (types: object, array, string, number, integer, boolean, null)");
            }
        }
        return out;
    }

    private static String inferType(JsonNode schema) {
        if (schema.has("properties") || schema.has("required") || schema.has("additionalProperties")) {
            return "object";
        }
        if (schema.has("items") || schema.has("minItems") || schema.has("maxItems")) {
            return "array";
        }
        if (schema.has("minLength") || schema.has("maxLength")) {
            return "string";
        }
        if (schema.has("minimum") || schema.has("maximum") || schema.has("exclusiveMinimum") || schema.has("exclusiveMaximum")) {
            return "number";
        }
        return "any";
    }

    private static boolean hasType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "number" -> v.isNumber();
            case "integer" -> v.isIntegralNumber() || v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0;
            case "boolean" -> v.isBoolean();
            default -> v.isNull();
        };
    }

    private int typed(JsonNode schema, String type, String path) {
        return switch (type) {
            case "object" -> object(schema, path);
            case "array" -> {
                GrammarNode n = add(GrammarNode.ARRAY, path);
                JsonNode items = schema.get("items");
                if (items != null && items.isArray()) {
                    throw new SchemaException(join(path, "items"), "tuple items (an array of schemas) are not supported", true);
                }
                n.min = count(schema, "minItems", path, 0);
                n.max = count(schema, "maxItems", path, Integer.MAX_VALUE);
                if (n.min > n.max) {
                    throw new SchemaException(join(path, "minItems"), "minItems " + n.min + " is above maxItems " + n.max);
                }
                n.child = items == null ? anyValue() : compile(items, join(path, "items"));
                yield n.id;
            }
            case "string" -> {
                GrammarNode n = add(GrammarNode.STRING, path);
                n.min = count(schema, "minLength", path, 0);
                n.max = count(schema, "maxLength", path, Integer.MAX_VALUE);
                if (n.min > n.max) {
                    throw new SchemaException(join(path, "minLength"), "minLength " + n.min + " is above maxLength " + n.max);
                }
                yield n.id;
            }
            case "number", "integer" -> numberFrom(schema, type.equals("integer"), path);
            case "boolean" -> literals(path, List.of(JSON.getNodeFactory().booleanNode(false), JSON.getNodeFactory().booleanNode(true)));
            case "null" -> literals(path, List.of(JSON.getNodeFactory().nullNode()));
            default -> anyValue();
        };
    }

    private int object(JsonNode schema, String path) {
        JsonNode props = schema.get("properties");
        if (props != null && !props.isObject()) {
            throw new SchemaException(join(path, "properties"), "must be an object of schemas");
        }
        JsonNode additional = schema.get("additionalProperties");
        boolean closed = additional != null && additional.isBoolean() && !additional.asBoolean();
        if (additional != null && !additional.isBoolean() && !additional.isObject()) {
            throw new SchemaException(join(path, "additionalProperties"), "must be a boolean or a schema");
        }
        Map<String, JsonNode> declared = new LinkedHashMap<>();
        if (props != null) {
            props.fields().forEachRemaining(e -> declared.put(e.getKey(), e.getValue()));
        }
        List<String> required = new ArrayList<>();
        JsonNode req = schema.get("required");
        if (req != null) {
            if (!req.isArray()) {
                throw new SchemaException(join(path, "required"), "must be an array of property names");
            }
            req.forEach(r -> required.add(r.asText()));
        }
        if (declared.isEmpty() && required.isEmpty() && !closed) {
            GrammarNode map = add(GrammarNode.MAP, path);
            map.keyString = add(GrammarNode.STRING, path).id;
            map.child = additional == null || additional.isBoolean() ? anyValue()
                    : compile(additional, join(path, "additionalProperties"));
            return map.id;
        }
        for (String r : required) {
            if (!declared.containsKey(r)) {
                if (closed) {
                    throw new SchemaException(join(path, "required"), "required property '" + r
                            + "' is not in properties and additionalProperties is false");
                }
                declared.put(r, additional == null || additional.isBoolean() ? JSON.getNodeFactory().booleanNode(true) : additional);
            }
        }
        if (declared.size() > MAX_PROPERTIES) {
            throw new SchemaException(join(path, "properties"), "more than " + MAX_PROPERTIES + " properties are not supported", true);
        }
        GrammarNode n = add(GrammarNode.OBJECT, path);
        int p = declared.size();
        n.keys = new byte[p][];
        n.values = new int[p];
        n.required = new boolean[p];
        int j = 0;
        for (Map.Entry<String, JsonNode> e : declared.entrySet()) {
            n.keys[j] = key(e.getKey());
            n.required[j] = required.contains(e.getKey());
            j++;
        }
        j = 0;
        for (Map.Entry<String, JsonNode> e : declared.entrySet()) {
            n.values[j++] = compile(e.getValue(), join(join(path, "properties"), e.getKey()));
        }
        return n.id;
    }

    private static byte[] key(String name) {
        try {
            return (JSON.writeValueAsString(name) + ":").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int count(JsonNode schema, String keyword, String path, int absent) {
        JsonNode v = schema.get(keyword);
        if (v == null) {
            return absent;
        }
        if (!v.isIntegralNumber() || v.asLong() < 0 || !v.canConvertToInt()) {
            throw new SchemaException(join(path, keyword), "must be a non-negative integer, got " + v);
        }
        return v.asInt();
    }

    private int numberFrom(JsonNode schema, boolean integer, String path) {
        BigDecimal min = bound(schema, "minimum", path);
        BigDecimal max = bound(schema, "maximum", path);
        boolean minExclusive = false;
        boolean maxExclusive = false;
        JsonNode exMin = schema.get("exclusiveMinimum");
        if (exMin != null && exMin.isBoolean()) { // draft 4
            minExclusive = exMin.asBoolean();
        } else if (exMin != null) {
            BigDecimal e = bound(schema, "exclusiveMinimum", path);
            if (min == null || e.compareTo(min) >= 0) {
                min = e;
                minExclusive = true;
            }
        }
        JsonNode exMax = schema.get("exclusiveMaximum");
        if (exMax != null && exMax.isBoolean()) {
            maxExclusive = exMax.asBoolean();
        } else if (exMax != null) {
            BigDecimal e = bound(schema, "exclusiveMaximum", path);
            if (max == null || e.compareTo(max) <= 0) {
                max = e;
                maxExclusive = true;
            }
        }
        int id = number(path, integer, min, minExclusive, max, maxExclusive);
        if (JsonMatcher.numberStartCost(nodes.get(id)) >= JsonMatcher.INF) {
            throw new SchemaException(join(path, min != null ? "minimum" : "maximum"), "no " + (integer ? "integer" : "number")
                    + " of at most " + (integer ? JsonMatcher.INTEGER_DIGITS + " digits" : JsonMatcher.NUMBER_INT_DIGITS
                    + " integer and " + JsonMatcher.FRACTION_DIGITS + " fraction digits") + " lies between the bounds");
        }
        return id;
    }

    private static BigDecimal bound(JsonNode schema, String keyword, String path) {
        JsonNode v = schema.get(keyword);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw new SchemaException(join(path, keyword), "must be a number, got " + v);
        }
        return v.decimalValue();
    }

    private int number(String path, boolean integer, BigDecimal min, boolean minExclusive, BigDecimal max, boolean maxExclusive) {
        GrammarNode n = add(GrammarNode.NUMBER, path);
        n.integer = integer;
        BigDecimal scale = BigDecimal.valueOf(integer ? 1 : JsonMatcher.NUMBER_SCALE);
        long limit = integer ? pow10(JsonMatcher.INTEGER_DIGITS) - 1
                : pow10(JsonMatcher.NUMBER_INT_DIGITS) * JsonMatcher.NUMBER_SCALE - 1;
        n.low = -limit;
        n.high = limit;
        if (min != null) {
            BigDecimal s = min.multiply(scale);
            BigDecimal low = minExclusive ? s.setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE) : s.setScale(0, RoundingMode.CEILING);
            n.low = low.compareTo(BigDecimal.valueOf(limit)) > 0 ? limit + 1 : Math.max(-limit, low.max(BigDecimal.valueOf(-limit)).longValue());
        }
        if (max != null) {
            BigDecimal s = max.multiply(scale);
            BigDecimal high = maxExclusive ? s.setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE) : s.setScale(0, RoundingMode.FLOOR);
            n.high = high.compareTo(BigDecimal.valueOf(-limit)) < 0 ? -limit - 1 : Math.min(limit, high.min(BigDecimal.valueOf(limit)).longValue());
        }
        return n.id;
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
