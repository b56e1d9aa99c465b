package io.peershare.metrics.http;

/** Answers one request. Called on the server's page thread, one request at a time. */
@FunctionalInterface
public interface HttpHandler {
  /**
   * The answer to {@code request}. An exception becomes {@code 500} (its message is not shown to
   * the client).
   */
  HttpAnswer answer(HttpQuery request) throws Exception;
}
