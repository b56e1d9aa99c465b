package io.peershare.peer.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.peer.serve.RawClient.Answer;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.Manifest;
import io.peershare.testing.TestBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names that try to reach files next to or above the shared one, sent as hand-built {@code D} and
 * {@code M} requests over a real loopback socket (the codec would refuse to encode most of them).
 * Whatever the name and whichever digest it carries, the answer is {@code E MALFORMED} or {@code E
 * NOT_FOUND}: never a {@code C} frame or a manifest, never a byte of a secret.
 */
class PathTraversalTest {
  private static final String SHARED = "song.ogg";

  /** Names a path-building server might resolve to a secret, or choke on. */
  private static final List<String> NAMES =
      List.of(
          "../secret",
          "../../secret",
          "/etc/passwd",
          "..",
          ".",
          "%2e%2e%2fsecret",
          "..%2fsecret",
          "%2e%2e/secret",
          "....//secret",
          "..../secret",
          "secret", // on disk next to the shared file, never registered
          "A/secret",
          "./" + SHARED,
          SHARED + "/../secret",
          "..\u2215secret", // U+2215 DIVISION SLASH
          "..\uFF0Fsecret", // U+FF0F FULLWIDTH SOLIDUS
          "..\u2216secret", // U+2216 SET MINUS, a backslash lookalike
          "sec\0ret",
          SHARED + "\0",
          "..\\secret",
          "C:\\x",
          "C:secret",
          "\\\\?\\C:\\secret",
          " " + SHARED,
          SHARED + " ",
          SHARED.toUpperCase(java.util.Locale.ROOT));

  @TempDir Path tmp;

  @Test
  void noNameReachesASecretOnASharedPort() throws IOException {
    probeAll(ServeOptions.defaults().withSharedPort(0));
  }

  @Test
  void noNameReachesASecretOnAPortPerContent() throws IOException {
    probeAll(ServeOptions.defaults());
  }

  private void probeAll(ServeOptions options) throws IOException {
    Path parent = Files.createDirectories(tmp.resolve("parent"));
    Path folderA = Files.createDirectories(parent.resolve("A"));
    byte[] secret = secretBytes("next to the shared file");
    byte[] parentSecret = secretBytes("in the parent folder");
    Path secretFile = Files.write(folderA.resolve("secret"), secret);
    Path parentSecretFile = Files.write(parent.resolve("secret"), parentSecret);
    Path shared = Fixture.write(folderA, SHARED, TestBytes.random(4000, 11));
    Manifest manifest = Manifest.of(shared);
    List<Digest> digests =
        List.of(
            manifest.digest(),
            Manifest.of(secretFile).digest(),
            Manifest.of(parentSecretFile).digest());

    try (ContentServer server =
        new ContentServer(
            options.withBindAddress(InetAddress.getLoopbackAddress()), Fixture.LATER)) {
      int port = server.share(ContentName.of(SHARED), shared, manifest).port();

      // the probe can tell a served file from a refused one
      Answer good =
          RawClient.read(
              new ByteArrayInputStream(send(port, download(SHARED, digests.get(0)))), -1);
      assertThat(good.endFrame()).isTrue();
      assertThat(good.data()).isEqualTo(Files.readAllBytes(shared));

      for (String name : NAMES) {
        for (Digest digest : digests) {
          for (byte[] request : List.of(download(name, digest), manifest(name, digest))) {
            String what = (char) request[0] + " '" + printable(name) + "' " + digest.shortHex();
            byte[] raw = send(port, request);
            assertThat(raw).as(what).isNotEmpty();
            assertThat((char) raw[0]).as("%s: first answer byte", what).isEqualTo('E');
            Answer a = RawClient.read(new ByteArrayInputStream(raw), -1);
            assertThat(a.code()).as(what).isIn(ErrorCode.MALFORMED, ErrorCode.NOT_FOUND);
            assertThat(a.data()).as(what).isEmpty();
            assertThat(contains(raw, secret) || contains(raw, parentSecret))
                .as("%s: secret bytes in the answer", what)
                .isFalse();
          }
        }
      }
    }
  }

  private static byte[] secretBytes(String where) {
    return ("TOP-SECRET " + where + " 7f3a9c").getBytes(StandardCharsets.UTF_8);
  }

  /** {@code D}: type, version, str content, digest, u64 offset 0, u64 length 0 (to the end). */
  private static byte[] download(String name, Digest digest) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + 1 + n.length + 32 + 16)
        .put((byte) 'D')
        .put((byte) 1)
        .put((byte) n.length)
        .put(n)
        .put(digest.toBytes())
        .putLong(0)
        .putLong(0)
        .array();
  }

  /** {@code M}: type, version, str content, digest. */
  private static byte[] manifest(String name, Digest digest) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + 1 + n.length + 32)
        .put((byte) 'M')
        .put((byte) 1)
        .put((byte) n.length)
        .put(n)
        .put(digest.toBytes())
        .array();
  }

  /** Sends the request, half-closes, and returns every byte of the answer. */
  private static byte[] send(int port, byte[] request) throws IOException {
    try (Socket s = RawClient.connect(port)) {
      s.getOutputStream().write(request);
      s.shutdownOutput();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      s.getInputStream().transferTo(all);
      return all.toByteArray();
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static String printable(String name) {
    StringBuilder b = new StringBuilder();
    name.codePoints()
        .forEach(
            c -> {
              if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04X", c));
              } else {
                b.appendCodePoint(c);
              }
            });
    return b.toString();
  }
}
