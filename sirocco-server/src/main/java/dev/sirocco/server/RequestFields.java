package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Typed reads of a request object's fields; every failure is a 400 naming the field's JSON path
 * ({@code messages[2].content}). JSON {@code null} counts as absent, as both APIs treat it.
 */
final class RequestFields {
    private RequestFields() {
    }

    static boolean present(JsonNode obj, String name) {
        JsonNode v = obj.get(name);
        return v != null && !v.isNull();
    }

    static String requiredString(JsonNode obj, String name, String path) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) {
            throw ApiException.badField(path, "'" + path + "' is required");
        }
        if (!v.isTextual()) {
            throw ApiException.badField(path, "'" + path + "' must be a string, got " + kind(v));
        }
        return v.asText();
    }

    static Float optFloat(JsonNode obj, String name, double min, double max) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw ApiException.badField(name, "'" + name + "' must be a number, got " + kind(v));
        }
        double d = v.asDouble();
        if (!(d >= min && d <= max)) {
            throw ApiException.badField(name, "'" + name + "' must be between " + fmt(min) + " and " + fmt(max) + ", got " + v);
        }
        return (float) d;
    }

    static Long optLong(JsonNode obj, String name, long min, long max) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !v.canConvertToExactIntegral() || !v.canConvertToLong()) {
            throw ApiException.badField(name, "'" + name + "' must be an integer, got " + (v.isNumber() ? v.toString() : kind(v)));
        }
        long l = v.asLong();
        if (l < min || l > max) {
            throw ApiException.badField(name, "'" + name + "' must be between " + min + " and " + max + ", got " + l);
        }
        return l;
    }

    static Integer optInt(JsonNode obj, String name, int min, int max) {
        Long l = optLong(obj, name, min, max);
        return l == null ? null : l.intValue();
    }

    static Boolean optBool(JsonNode obj, String name, String path) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ApiException.badField(path, "'" + path + "' must be true or false, got " + kind(v));
        }
        return v.asBoolean();
    }

    /** {@code stop}: a string or an array of non-empty strings. */
    static List<String> stop(JsonNode obj) {
        JsonNode v = obj.get("stop");
        if (v == null || v.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.asText());
        } else if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual()) {
                    throw ApiException.badField("stop[" + i + "]", "'stop[" + i + "]' must be a string, got " + kind(v.get(i)));
                }
                out.add(v.get(i).asText());
            }
        } else {
            throw ApiException.badField("stop", "'stop' must be a string or an array of strings, got " + kind(v));
        }
        if (out.size() > 16) {
            throw ApiException.badField("stop", "'stop' may hold at most 16 strings, got " + out.size());
        }
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).isEmpty()) {
                throw ApiException.badField(v.isArray() ? "stop[" + i + "]" : "stop", "stop strings must not be empty");
            }
        }
        return out;
    }

    /**
     * Refuses fields outside {@code known}: an unknown parameter is answered, not ignored. A field set to
     * {@code null} is absent, whatever its name (clients that echo a response message back send {@code "audio": null}).
     */
    static void onlyKnown(JsonNode obj, Set<String> known, String prefix) {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name) && !obj.get(name).isNull()) {
                String path = prefix + name;
                throw ApiException.unsupported(path, "unknown parameter '" + path + "'");
            }
        }
    }

    static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase();
        };
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
