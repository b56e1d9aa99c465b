package io.peershare.peer.index;

import io.peershare.protocol.IndexMessage;
import java.util.List;

/** One page of the index's content list; {@code more} when names after the last one match too. */
public record ListingPage(List<IndexMessage.ListingEntry> entries, boolean more) {
  public ListingPage {
    entries = List.copyOf(entries);
  }
}
