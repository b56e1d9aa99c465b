package io.peershare.peer;

/**
 * This peer's own shares refuse a request, decided here before anything is sent: the content is
 * already shared, or it is not shared. The message is a sentence for a person (for example "you
 * already share 'song.ogg'").
 */
public final class SharingException extends Exception {
  private static final long serialVersionUID = 1L;

  public SharingException(String message) {
    super(message);
  }
}
