package dev.graft.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * JSON responses, errors included: {@code {"error": {"status": 400, "code": "invalid_image", "message": ...}}}, or on
 * the Open Inference Protocol's routes ({@code /v2...}) its own {@code {"error": "message"}}.
 */
final class Responses {
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private Responses() {
    }

    /**
     * Whether the request uses {@code expected}; otherwise answers 405 with an {@code Allow} header (the error in
     * the form the route's API uses) and returns false.
     */
    static boolean methodAllowed(HttpServerExchange exchange, HttpString method, HttpString expected) {
        if (method.equals(expected)) {
            return true;
        }
        exchange.getResponseHeaders().put(Headers.ALLOW, expected.toString());
        error(exchange, StatusCodes.METHOD_NOT_ALLOWED, "method_not_allowed", "use " + expected + " for "
                + exchange.getRequestPath());
        return false;
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

    /** 413 for a body over {@code limit} bytes; the connection closes after it, the rest of the body unread. */
    static void tooLarge(HttpServerExchange exchange, long limit) {
        exchange.setPersistent(false);
        error(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "too_large", String.format(Locale.ROOT,
                "the request body is larger than the limit of %d bytes", limit));
    }

    /** 503 with {@code Retry-After: 1}: a bound is reached; the client should try again shortly. */
    static void busy(HttpServerExchange exchange, String message) {
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
        error(exchange, StatusCodes.SERVICE_UNAVAILABLE, "busy", message);
    }

    /** {@code 30 s}, {@code 0.5 s}. */
    static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }

    static void error(HttpServerExchange exchange, int status, String code, String message) {
        if (exchange.getRequestPath().startsWith(OpenInference.PREFIX)) {
            json(exchange, status, Map.of("error", message));
            return;
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("status", status);
        error.put("code", code);
        error.put("message", message);
        json(exchange, status, Map.of("error", error));
    }
}
