package io.peershare.index;

import io.peershare.protocol.ErrorCode;

/** A registry refused a request; carries the code the server answers with. */
public final class RegistryException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public RegistryException(ErrorCode code, String message) {
    super(message, null, false, false); // refusals are routine: no stack trace to fill
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
