/**
 * The peershare wire protocol, version 1, as specified in {@code docs/protocol.md}: index messages
 * (UDP, §3) and transfer messages (TCP, §6) as records under sealed interfaces, their codecs, the
 * name rules (§2.1–§2.4), error codes (§7) and the content identity (1 MiB pieces, SHA-256 manifest
 * and digest, §2.5). JDK only.
 *
 * <p>Javadoc cites the specification as {@code docs/protocol.md §N.N}; a test checks that every
 * section cited exists, and that the document's tables agree with {@link
 * io.peershare.protocol.IndexType} and {@link io.peershare.protocol.ErrorCode}.
 */
package io.peershare.protocol;
