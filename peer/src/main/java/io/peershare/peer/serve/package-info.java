/**
 * The content-serving side of a peer: {@link io.peershare.peer.serve.ContentServer} answers the
 * transfer protocol's {@code D} and {@code M} requests for the files its peer shared, one TCP port
 * per content or one for all; {@link io.peershare.peer.serve.ManifestCache} keeps piece hashes on
 * disk so large files are hashed once.
 */
package io.peershare.peer.serve;
