package dev.sirocco.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collection;

/**
 * Model cards for {@code GET /v1/models[/{id}]} that both SDKs accept: OpenAI's {@code id, object, created,
 * owned_by} plus Mistral's {@code max_context_length, capabilities, type, aliases}.
 */
final class ModelCards {
    private ModelCards() {
    }

    static ObjectNode card(ModelInfo m) {
        ObjectNode card = Json.MAPPER.createObjectNode();
        card.put("id", m.id());
        card.put("object", "model");
        card.put("created", m.created());
        card.put("owned_by", "sirocco");
        card.put("name", m.id());
        card.put("max_context_length", m.contextSize());
        ObjectNode caps = card.putObject("capabilities");
        caps.put("completion_chat", true);
        caps.put("completion_fim", m.fim());
        caps.put("function_calling", m.tools());
        caps.put("fine_tuning", false);
        caps.put("vision", false);
        card.put("type", "base");
        card.putArray("aliases");
        return card;
    }

    static ObjectNode list(Collection<ModelInfo> models) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "list");
        var data = root.putArray("data");
        models.forEach(m -> data.add(card(m)));
        return root;
    }
}
