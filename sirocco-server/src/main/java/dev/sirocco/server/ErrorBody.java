package dev.sirocco.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The error body both APIs' SDKs parse: {@code {"error": {"message", "type", "param", "code"}}}. */
final class ErrorBody {
    private ErrorBody() {
    }

    static byte[] of(ApiException e) {
        return of(e.getMessage(), e.type(), e.param(), e.code());
    }

    static byte[] of(String message, String type, String param, String code) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return Json.bytes(root);
    }
}
