package io.peershare.index;

/** The {@code O} filter on UTF-8 bytes: a substring match that folds ASCII letters only. */
final class NameFilter {
  private NameFilter() {}

  static boolean contains(byte[] name, byte[] filter) {
    return contains(name, 0, name.length, filter);
  }

  /** The same for the name held in {@code name[from, to)}. */
  static boolean contains(byte[] name, int from, int to, byte[] filter) {
    outer:
    for (int i = from; i + filter.length <= to; i++) {
      for (int j = 0; j < filter.length; j++) {
        if (fold(name[i + j]) != fold(filter[j])) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static int fold(byte b) {
    return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
  }
}
