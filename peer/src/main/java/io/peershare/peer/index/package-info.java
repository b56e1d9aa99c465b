/**
 * The index client: one UDP socket to one index server, cookies fetched and refreshed as the spec
 * says, every request retransmitted with the same bytes on a fixed schedule, replies matched to
 * callers by request id so several threads can ask at once.
 */
package io.peershare.peer.index;
