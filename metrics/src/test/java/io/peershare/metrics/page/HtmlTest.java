package io.peershare.metrics.page;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class HtmlTest {
  @Test
  void textAndAttributesAreEscaped() {
    String page =
        new Html()
            .raw("<td")
            .attribute("title", "a\"b'<c>")
            .raw(">")
            .text("<script>alert('x')</script> & \u0007")
            .raw("</td>")
            .toString();
    assertThat(page)
        .isEqualTo(
            "<td title=\"a&quot;b&#39;&lt;c&gt;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
                + " &amp; \uFFFD</td>");
  }

  @Test
  void numbersAsPeopleReadThem() throws Exception {
    assertThat(Format.bytes(0)).isEqualTo("0 B");
    assertThat(Format.bytes(1023)).isEqualTo("1023 B");
    assertThat(Format.bytes(1536)).isEqualTo("1.50 KiB");
    assertThat(Format.bytes(20L << 20)).isEqualTo("20.0 MiB");
    assertThat(Format.bytes(300L << 30)).isEqualTo("300 GiB");
    assertThat(Format.count(1234567)).isEqualTo("1,234,567");
    assertThat(Format.count(1, "download")).isEqualTo("1 download");
    assertThat(Format.count(2, "download")).isEqualTo("2 downloads");
    assertThat(Format.rate(0)).isEqualTo("0");
    assertThat(Format.rate(0.25)).isEqualTo("0.25");
    assertThat(Format.rate(3.5)).isEqualTo("3.5");
    assertThat(Format.rate(120.4)).isEqualTo("120");
    assertThat(Format.rate(12_345)).isEqualTo("12.3k");
    assertThat(Format.duration(42)).isEqualTo("42 s");
    assertThat(Format.duration(303)).isEqualTo("5 min 03 s");
    assertThat(Format.duration(7500)).isEqualTo("2 h 05 min");
    assertThat(Format.duration(4 * 86400 + 3 * 3600)).isEqualTo("4 d 3 h");
    assertThat(Format.percent(1, 3)).isEqualTo("33 %");
    assertThat(Format.percent(5, 1000)).isEqualTo("0.5 %");
    assertThat(Format.percent(999, 1000)).isEqualTo("99 %"); // never 100 % before the end
    assertThat(Format.address(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 3000)))
        .isEqualTo("127.0.0.1:3000");
    assertThat(Format.address(new InetSocketAddress(InetAddress.getByName("::1"), 3000)))
        .isEqualTo("[::1]:3000");
  }
}
