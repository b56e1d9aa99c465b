package io.peershare.metrics.http;

import java.util.List;
import java.util.Map;

/**
 * A GET (or HEAD) request as the handler sees it: the path and query parameters decoded, and the
 * one header the server's pages look at.
 *
 * @param path the decoded path, e.g. {@code /metrics}
 * @param parameters query parameters, decoded (UTF-8), at most {@link #MAX_PARAMETERS}
 * @param accept the {@code Accept} header, or the empty string
 */
public record HttpQuery(String path, Map<String, List<String>> parameters, String accept) {
  /** Query parameters beyond this many are ignored. */
  public static final int MAX_PARAMETERS = 16;

  public HttpQuery {
    parameters = Map.copyOf(parameters);
  }

  /** The first value of parameter {@code name}, or {@code fallback}. */
  public String parameter(String name, String fallback) {
    List<String> values = parameters.get(name);
    return values == null || values.isEmpty() ? fallback : values.get(0);
  }
}
