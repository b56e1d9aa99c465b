/**
 * The index as a BitTorrent UDP tracker (BEP 15): swarms keyed by info hash, apart from peershare's
 * contents, behind a {@link io.peershare.index.tracker.SwarmStore}; a socket-free {@link
 * io.peershare.index.tracker.TrackerHandler}, a batch handler; and {@link
 * io.peershare.index.tracker.TrackerServer}, which runs it on a port of its own over the index's
 * {@link io.peershare.index.udp.UdpTransport}.
 */
package io.peershare.index.tracker;
