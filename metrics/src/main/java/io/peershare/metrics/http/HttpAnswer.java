package io.peershare.metrics.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * What the server sends back: a status, a content type and the whole body (every answer here is
 * small and made at once, so it goes out with a {@code Content-Length}).
 *
 * @param headers extra headers (the server adds its own, see {@link Exchange})
 */
public record HttpAnswer(int status, String contentType, byte[] body, Map<String, String> headers) {
  public static final String TEXT = "text/plain; charset=utf-8";
  public static final String HTML = "text/html; charset=utf-8";

  public HttpAnswer {
    Objects.requireNonNull(contentType);
    Objects.requireNonNull(body);
    headers = Map.copyOf(headers);
  }

  /** A plain-text answer. */
  public static HttpAnswer text(int status, String text) {
    return new HttpAnswer(status, TEXT, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** An HTML page. */
  public static HttpAnswer html(String page) {
    return new HttpAnswer(200, HTML, page.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** {@code 404 not found}. */
  public static HttpAnswer notFound() {
    return text(404, "not found\n");
  }
}
