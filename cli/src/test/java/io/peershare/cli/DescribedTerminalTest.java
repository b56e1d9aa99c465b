package io.peershare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;

class DescribedTerminalTest {
  /** The encoding the shell's terminal gets is the one JLine's builder computes, both ways. */
  @Test
  void theTerminalsEncodingIsJLinesWithAndWithoutItsProperty() {
    assertThat(System.getProperty(TerminalBuilder.PROP_ENCODING)).isNull();
    assertThat(System.getProperty(TerminalBuilder.PROP_CODEPAGE)).isNull();
    assertThat(DescribedTerminal.builderEncoding())
        .isEqualTo(TerminalBuilder.builder().computeEncoding());

    System.setProperty(TerminalBuilder.PROP_ENCODING, "ISO-8859-1");
    try {
      assertThat(DescribedTerminal.builderEncoding())
          .isEqualTo(TerminalBuilder.builder().computeEncoding())
          .isEqualTo(StandardCharsets.ISO_8859_1);
    } finally {
      System.clearProperty(TerminalBuilder.PROP_ENCODING);
    }
  }
}
