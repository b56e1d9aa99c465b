package io.peershare.cli;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.PeerName;
import picocli.CommandLine.ITypeConverter;

/**
 * Command-line text to names, as picocli parses it: a name is checked once, where it enters. A name
 * that breaks the rules throws the protocol's {@link io.peershare.protocol.InvalidNameException},
 * which {@link Main} reports as bad usage.
 */
final class NameConverters {
  private NameConverters() {}

  static final class Content implements ITypeConverter<ContentName> {
    @Override
    public ContentName convert(String text) {
      return ContentName.of(text);
    }
  }

  static final class Peer implements ITypeConverter<PeerName> {
    @Override
    public PeerName convert(String text) {
      return PeerName.of(text);
    }
  }
}
