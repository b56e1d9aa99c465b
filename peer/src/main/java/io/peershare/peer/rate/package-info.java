/**
 * Bandwidth limits shared by every connection of one side of a peer: a token bucket ({@link
 * io.peershare.peer.rate.ByteRateLimiter}) for uploads and downloads, and the parser for the rates
 * a user types ({@link io.peershare.peer.rate.ByteRate}).
 */
package io.peershare.peer.rate;
