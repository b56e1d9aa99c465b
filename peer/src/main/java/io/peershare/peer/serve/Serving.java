package io.peershare.peer.serve;

/**
 * A content being served and what it has served so far (see {@link ServeCounts} for what counts).
 *
 * @param bytesServed bytes of it sent to downloaders
 * @param downloadsServed downloads that fetched its manifest here
 */
public record Serving(SharedContent content, long bytesServed, long downloadsServed) {}
