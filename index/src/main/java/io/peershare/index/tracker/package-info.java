/**
 * The index as a BitTorrent UDP tracker (BEP 15): swarms keyed by info hash, apart from peershare's
 * contents, behind a {@link io.peershare.index.tracker.SwarmStore}; a socket-free {@link
 * io.peershare.index.tracker.TrackerHandler}; and {@link io.peershare.index.tracker.TrackerServer},
 * the loop that runs it on a port of its own.
 */
package io.peershare.index.tracker;
