package io.peershare.peer.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRateTest {
  @ParameterizedTest
  @CsvSource({
    "100, 100",
    "0, 0",
    "512k, 512000",
    "512K, 512000",
    "512kB, 512000",
    "20MB, 20000000",
    "20M, 20000000",
    "20 MB/s, 20000000",
    "1.5MiB, 1572864",
    "1KiB, 1024",
    "2Gi, 2147483648",
    "1GB, 1000000000",
    "1TB, 1000000000000",
    "64B, 64",
    "0.5k, 500",
    ".5MB, 500000",
    "' 3MiB ', 3145728"
  })
  void parses(String text, long expected) {
    assertThat(ByteRate.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "fast", "-5", "5 parsecs", "1.2.3", "MB", "5/s/s", "0.1"})
  void rejectsWithAClearMessage(String text) {
    assertThatThrownBy(() -> ByteRate.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching(".*(rate|unit|byte).*");
  }

  @Test
  void rejectsNullAndOverflow() {
    assertThatThrownBy(() -> ByteRate.parse(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ByteRate.parse("99999999TiB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
  }

  @Test
  void formats() {
    assertThat(ByteRate.format(20_000_000)).isEqualTo("20 MB/s");
    assertThat(ByteRate.format(1500)).isEqualTo("1500 B/s");
    assertThat(ByteRate.format(512_000)).isEqualTo("512 kB/s");
  }
}
