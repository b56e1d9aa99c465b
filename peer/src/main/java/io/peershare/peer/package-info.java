/**
 * The peer library: the index client (cookies, retransmission), the content server, the downloader
 * (multi-source, verify, resume) and the peer's local state.
 */
package io.peershare.peer;
