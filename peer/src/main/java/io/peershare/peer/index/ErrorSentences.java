package io.peershare.peer.index;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.PeerName;

/** Turns an {@code E} reply into a sentence a person can act on. */
final class ErrorSentences {
  private ErrorSentences() {}

  /** What a request was about, for the sentence; either may be null (H and O name neither). */
  record Subject(PeerName peer, ContentName content) {}

  static IndexException toException(ErrorCode code, String serverMessage, Subject s) {
    return new IndexException(code, sentence(code, serverMessage, s));
  }

  static String sentence(ErrorCode code, String serverMessage, Subject s) {
    String peer = s.peer() == null ? "this peer" : "'" + s.peer() + "'";
    String content = s.content() == null ? "that content" : "'" + s.content() + "'";
    return switch (code) {
      case NAME_TAKEN -> "the peer name " + peer + " is in use from another address";
      case ALREADY_REGISTERED -> "the peer " + peer + " already provides " + content;
      case NOT_FOUND ->
          s.content() == null
              ? "the peer " + peer + " has no registration at the index from this address"
              : "nobody provides " + content;
      case NOT_OWNER -> content + " is not registered by the peer " + peer + " from this address";
      case CONFLICT ->
          content + " is already provided with another size or digest: it is a different file";
      case LIMIT -> "the index server refused: " + detail(serverMessage, "a limit was reached");
      case BAD_COOKIE -> "the index server refused the cookie it had just given out";
      case MALFORMED ->
          "the index server could not read the request: " + detail(serverMessage, "malformed");
      case UNSUPPORTED_VERSION, UNSUPPORTED ->
          "the index server does not speak this version of the protocol";
      case INTERNAL -> "the index server failed; try again";
    };
  }

  private static String detail(String serverMessage, String otherwise) {
    return serverMessage == null || serverMessage.isBlank() ? otherwise : serverMessage;
  }
}
