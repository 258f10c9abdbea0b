package dev.graft.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

import java.util.LinkedHashMap;
import java.util.Map;

/** JSON responses, errors included: {@code {"error": {"status": 400, "code": "invalid_image", "message": ...}}}. */
final class Responses {
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private Responses() {
    }

    static void json(HttpServerExchange exchange, int status, Object body) {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a response", e);
        }
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
        exchange.getResponseSender().send(text + "\n");
    }

    static void error(HttpServerExchange exchange, int status, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("status", status);
        error.put("code", code);
        error.put("message", message);
        json(exchange, status, Map.of("error", error));
    }
}
