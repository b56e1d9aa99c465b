package io.peershare.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IndexHeaderTest {
  @Test
  void offsetsFollowTheSpecsTable() {
    assertThat(IndexHeader.TYPE_OFFSET).isZero();
    assertThat(IndexHeader.VERSION_OFFSET).isEqualTo(1);
    assertThat(IndexHeader.REQUEST_ID_OFFSET).isEqualTo(2);
    assertThat(IndexHeader.LENGTH).isEqualTo(6);
    assertThat(IndexHeader.COOKIE_END).isEqualTo(14);
  }

  @Test
  void readsTheFieldsInPlaceAtAnOffset() {
    byte[] d = Hex.bytes("ff ff 52 01 89abcdef 0102030405060708 00");
    assertThat(IndexHeader.type(d, 2)).isEqualTo(IndexType.REGISTER);
    assertThat(IndexHeader.version(d, 2)).isEqualTo(1);
    assertThat(IndexHeader.requestId(d, 2)).isEqualTo(0x89abcdef);
    assertThat(IndexHeader.cookie(d, 2)).isEqualTo(0x0102030405060708L);
  }

  @Test
  void writesWhatItReads() {
    byte[] d = new byte[8];
    assertThat(IndexHeader.write(d, 1, IndexType.PROVIDERS, -2)).isEqualTo(7);
    assertThat(IndexHeader.type(d, 1)).isEqualTo(IndexType.PROVIDERS);
    assertThat(IndexHeader.requestId(d, 1)).isEqualTo(-2);
  }

  @Test
  void aByteThatNamesNoTypeIsUnknownNeverNull() {
    for (int b = -1; b <= 256; b++) {
      assertThat(IndexType.ofByte(b)).isNotNull();
    }
    assertThat(IndexType.ofByte('Z')).isEqualTo(IndexType.UNKNOWN);
    assertThat(IndexType.ofByte(0)).isEqualTo(IndexType.UNKNOWN);
    assertThat(IndexType.ofByte('S')).isEqualTo(IndexType.LOCATE);
    assertThat(IndexType.UNKNOWN.isRequest()).isFalse();
  }
}
