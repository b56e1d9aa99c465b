/**
 * The peershare wire protocol, version 1 ({@code shared/spec/protocol.md}): index messages (UDP)
 * and transfer messages (TCP) as records under sealed interfaces, their codecs, the name rules,
 * error codes and the content identity (1 MiB pieces, SHA-256 manifest and digest). JDK only.
 */
package io.peershare.protocol;
