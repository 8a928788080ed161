package dev.sirocco.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Checks a fine-tune upload before it is stored: UTF-8 JSONL, one {@code {"messages": [...]}} object per non-empty
 * line, each message an object with a known {@code role} and a string {@code content} (an assistant message may
 * carry {@code tool_calls} instead), and at least one assistant message to learn from. A failure is a 400 naming
 * the line. The model's chat template is applied only when a job runs.
 */
final class FineTuneFileCheck {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    private FineTuneFileCheck() {
    }

    /** The number of examples (non-empty lines) in a valid file. */
    static long check(Path file, String filename) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        long lines = 0;
        long number = 0;
        try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
            for (String line; (line = in.readLine()) != null; ) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                checkLine(line, filename + " line " + number);
                lines++;
            }
        } catch (CharacterCodingException e) {
            throw invalid(filename + " line " + (number + 1) + ": the file is not UTF-8 text");
        }
        if (lines == 0) {
            throw invalid(filename + ": no examples; a fine-tune file has one JSON object {\"messages\": [...]} per line");
        }
        return lines;
    }

    private static void checkLine(String line, String where) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw invalid(where + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw invalid(where + ": expected a JSON object {\"messages\": [...]}");
        }
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw invalid(where + ": \"messages\" must be a non-empty array of {\"role\", \"content\"} objects");
        }
        boolean assistant = false;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = where + ": messages[" + i + "]";
            if (!m.isObject()) {
                throw invalid(at + " is not an object with \"role\" and \"content\"");
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
                throw invalid(at + ".role must be one of " + ROLES.stream().sorted().toList() + ", got " + role);
            }
            JsonNode content = m.get("content");
            boolean toolCalls = m.has("tool_calls") && m.get("tool_calls").isArray() && !m.get("tool_calls").isEmpty();
            if (content == null || content.isNull()) {
                if (!(role.asText().equals("assistant") && toolCalls)) {
                    throw invalid(at + ".content is required (a string)");
                }
            } else if (!content.isTextual()) {
                throw invalid(at + ".content must be a string");
            }
            assistant |= role.asText().equals("assistant");
        }
        if (!assistant) {
            throw invalid(where + ": no assistant message to learn from");
        }
    }

    private static ApiException invalid(String message) {
        return new ApiException(400, "invalid_request_error", "file", "invalid_file_format", message);
    }
}
