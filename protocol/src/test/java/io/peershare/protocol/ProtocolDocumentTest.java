package io.peershare.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/protocol.md} honest: its tables of error codes, message types and constants,
 * its hex examples and test vectors, and every section the code cites must agree with the code. A
 * change on either side that the other does not follow fails here.
 */
class ProtocolDocumentTest {
  private static final Pattern HEADING = Pattern.compile("^#{2,3} (\\d+(?:\\.\\d+)?)\\.? (.+)$");
  private static final Pattern CITE = Pattern.compile("§(\\d+(?:\\.\\d+)?)");
  private static final Pattern LETTER = Pattern.compile("^`(.)` ");

  /** One numbered section: its heading text and the lines up to the next heading. */
  record Section(String number, String title, List<String> lines) {
    /** The message letter a section like "3.4 `R` register" is about, or null. */
    Character letter() {
      Matcher m = LETTER.matcher(title);
      return m.find() ? m.group(1).charAt(0) : null;
    }

    /** The rows of the section's first table, header and separator left out, cells trimmed. */
    List<List<String>> table() {
      List<List<String>> rows = new ArrayList<>();
      for (String line : lines) {
        if (line.startsWith("|")) {
          rows.add(cells(line));
        } else if (!rows.isEmpty()) {
          break;
        }
      }
      assertThat(rows).as("a table in section %s", number).hasSizeGreaterThan(2);
      return rows.subList(2, rows.size());
    }

    String text() {
      return String.join("\n", lines);
    }
  }

  private static Path root;
  private static List<String> doc;
  private static Map<String, Section> sections;

  @BeforeAll
  static void read() throws IOException {
    Path basedir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    root = basedir.getParent();
    doc = Files.readAllLines(root.resolve("docs/protocol.md"), StandardCharsets.UTF_8);
    sections = new LinkedHashMap<>();
    Section current = null;
    for (String line : doc) {
      Matcher m = HEADING.matcher(line);
      if (m.matches()) {
        current = new Section(m.group(1), m.group(2), new ArrayList<>());
        assertThat(sections.put(current.number(), current))
            .as("section %s is numbered once", current.number())
            .isNull();
      } else if (current != null) {
        current.lines().add(line);
      }
    }
    assertThat(sections).as("numbered sections").hasSizeGreaterThan(40);
  }

  @Test
  void errorCodeTableListsEveryCodeByNameAndNumber() {
    Map<Integer, String> documented = new LinkedHashMap<>();
    for (List<String> row : section("7").table()) {
      documented.put(Integer.parseInt(row.get(0)), unquote(row.get(1)));
    }
    Map<Integer, String> code = new LinkedHashMap<>();
    for (ErrorCode c : ErrorCode.values()) {
      code.put(c.code(), c.name());
    }
    assertThat(documented).containsExactlyEntriesOf(code);
  }

  @Test
  void indexTypeTableListsEveryLetterWithItsDirection() {
    Map<Character, String> documented = new LinkedHashMap<>();
    for (List<String> row : section("3.2").table()) {
      documented.put(unquote(row.get(0)).charAt(0), row.get(2));
    }
    Map<Character, String> code = new LinkedHashMap<>();
    for (IndexType t : wireTypes()) {
      code.put(t.letter(), t.isRequest() ? "request" : "reply");
    }
    assertThat(documented).containsExactlyInAnyOrderEntriesOf(code);
  }

  @Test
  void everyIndexTypeHasOneSectionWithAnExampleAndItsJavadocCitesIt() throws IOException {
    String source = source("protocol/src/main/java/io/peershare/protocol/IndexType.java");
    for (IndexType t : wireTypes()) {
      List<Section> own =
          sections.values().stream()
              .filter(
                  s ->
                      s.number().startsWith("3.")
                          && Character.valueOf(t.letter()).equals(s.letter()))
              .toList();
      assertThat(own).as("sections of %s", t).hasSize(1);
      Section s = own.get(0);
      assertThat(s.text()).as("section %s has an example", s.number()).contains("```hex");
      assertThat(javadocCites(source, t.name())).as("IndexType.%s cites", t).contains(s.number());
    }
  }

  /** The types that have a letter on the wire ({@code UNKNOWN} stands for every other byte). */
  private static List<IndexType> wireTypes() {
    return Arrays.stream(IndexType.values()).filter(t -> t != IndexType.UNKNOWN).toList();
  }

  @Test
  void everyErrorCodeJavadocCitesTheTable() throws IOException {
    String source = source("protocol/src/main/java/io/peershare/protocol/ErrorCode.java");
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(javadocCites(source, c.name())).as("ErrorCode.%s cites", c).contains("7");
    }
  }

  @Test
  void transferTypeTableListsEveryLetterWithItsDirection() {
    Set<String> documented = new TreeSet<>();
    for (List<String> row : section("6.2").table()) {
      documented.add(unquote(row.get(0)) + " " + row.get(2));
    }
    Set<String> code = new TreeSet<>();
    for (byte b : new byte[] {TransferCodec.DOWNLOAD, TransferCodec.MANIFEST}) {
      code.add((char) b + " request");
    }
    for (byte b : new byte[] {TransferCodec.MANIFEST, TransferCodec.FRAME, TransferCodec.ERROR}) {
      code.add((char) b + " answer");
    }
    assertThat(documented).isEqualTo(code);
  }

  @Test
  void constantsTableHoldsTheCodesValues() {
    assertThat(TransferMessage.VERSION).isEqualTo(IndexMessage.VERSION);
    Map<String, Long> code = new LinkedHashMap<>();
    code.put("VERSION", (long) IndexMessage.VERSION);
    code.put("HEADER_SIZE", (long) IndexMessage.HEADER_SIZE);
    code.put("COOKIE_END", (long) IndexMessage.COOKIE_END);
    code.put("MAX_DATAGRAM", (long) IndexMessage.MAX_DATAGRAM);
    code.put("MAX_LOCATE", (long) IndexCodec.MAX_LOCATE);
    code.put("MAX_PEER_BYTES", (long) PeerName.MAX_BYTES);
    code.put("MAX_CONTENT_BYTES", (long) ContentName.MAX_BYTES);
    code.put("DIGEST_LENGTH", (long) Digest.LENGTH);
    code.put("PIECE_SIZE", (long) Manifest.PIECE_SIZE);
    code.put("MAX_FRAME", (long) TransferMessage.MAX_FRAME);
    code.put("MAX_REQUEST", (long) TransferCodec.MAX_REQUEST);
    Map<String, Long> documented = new LinkedHashMap<>();
    for (List<String> row : section("1.3").table()) {
      documented.put(unquote(row.get(0)), Long.parseLong(row.get(1).replace(",", "")));
    }
    assertThat(documented).containsExactlyInAnyOrderEntriesOf(code);
  }

  /** Every hex example decodes as the message of its section and encodes back to its bytes. */
  @Test
  void examplesAreTheCodecsBytes() throws Exception {
    int checked = 0;
    for (Section s : sections.values()) {
      for (byte[] example : hexBlocks(s)) {
        String what = "the example of section " + s.number();
        assertThat(s.letter()).as("%s names a message", what).isNotNull();
        char letter = s.letter();
        try {
          if (s.number().startsWith("3.")) {
            IndexMessage m = IndexCodec.decode(example);
            assertThat(m.type()).as(what).isEqualTo(letter);
            assertThat(IndexCodec.encode(m)).as(what).isEqualTo(example);
          } else if (s.number().startsWith("6.")) {
            assertThat(transferRoundTrip(s, letter, example)).as(what).isEqualTo(example);
          } else {
            throw new AssertionError(what + " is outside the message sections");
          }
        } catch (ProtocolException | IOException e) {
          throw new AssertionError(what + " does not decode: " + e.getMessage(), e);
        }
        checked++;
      }
    }
    assertThat(checked).as("examples checked").isGreaterThanOrEqualTo(17);
  }

  /** Decodes a transfer example by its section's letter and encodes it again. */
  private static byte[] transferRoundTrip(Section s, char letter, byte[] example)
      throws IOException, ProtocolException {
    boolean request = s.title().contains("request");
    if (request) {
      TransferMessage.Request r = TransferCodec.decodeRequest(example);
      assertThat((char) example[0]).isEqualTo(letter);
      return TransferCodec.encode(r);
    }
    InputStream in = new ByteArrayInputStream(example);
    int type = TransferCodec.readAnswerType(in);
    assertThat((char) type).isEqualTo(letter);
    byte[] again =
        switch (type) {
          case TransferCodec.MANIFEST -> {
            long size = new WireReader(example, 1, 8).u63("size");
            yield TransferCodec.encodeManifest(TransferCodec.readManifest(in, size));
          }
          case TransferCodec.ERROR -> {
            TransferMessage.TransferError e = TransferCodec.readError(in);
            yield TransferCodec.encodeError(e.code(), e.message());
          }
          default -> frames(in);
        };
    assertThat(in.available()).as("bytes left after the answer").isZero();
    return again;
  }

  /**
   * Reads {@code C} frames after the first type byte up to the end frame, and writes them again.
   */
  private static byte[] frames(InputStream in) throws IOException, ProtocolException {
    byte[] out = new byte[0];
    while (true) {
      int n = TransferCodec.readFrameLength(in);
      byte[] data = in.readNBytes(n);
      assertThat(data).hasSize(n);
      out = Hex.concat(out, TransferCodec.frameHeader(n), data);
      if (n == 0) {
        return out;
      }
      assertThat(TransferCodec.readAnswerType(in)).isEqualTo(TransferCodec.FRAME);
    }
  }

  @Test
  void testVectorsAreTheManifestsDigests() {
    String vectors = section("2.5").text();
    Manifest empty = Manifest.of(new byte[0]);
    Manifest hello = Manifest.of("hello".getBytes(StandardCharsets.US_ASCII));
    Manifest zeros = Manifest.of(new byte[Manifest.PIECE_SIZE + 1]);
    List<Digest> expected = new ArrayList<>();
    expected.add(empty.digest());
    expected.add(hello.pieceHash(0));
    expected.add(hello.digest());
    expected.addAll(zeros.pieceHashes());
    for (Digest d : expected) {
      assertThat(vectors).contains(d.toHex());
    }
  }

  /** Every {@code §N.N} in the code and the docs names a section that exists. */
  @Test
  void everyCitedSectionExists() throws IOException {
    Map<String, Set<String>> citedBy = new LinkedHashMap<>();
    for (Path f : filesThatMayCite()) {
      Matcher m = CITE.matcher(Files.readString(f, StandardCharsets.UTF_8));
      while (m.find()) {
        citedBy
            .computeIfAbsent(m.group(1), k -> new TreeSet<>())
            .add(root.relativize(f).toString());
      }
    }
    assertThat(citedBy).as("citations found").hasSizeGreaterThan(20);
    Map<String, Set<String>> missing =
        citedBy.entrySet().stream()
            .filter(e -> !sections.containsKey(e.getKey()))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(missing).as("sections cited but not in docs/protocol.md").isEmpty();
  }

  /** Tables render only when every row has the header's cells; fences must close. */
  @Test
  void tablesAreWellFormedAndFencesClose() {
    int tables = 0;
    int fences = 0;
    for (int i = 0; i < doc.size(); i++) {
      String line = doc.get(i);
      if (line.startsWith("```")) {
        fences++;
      }
      boolean starts = line.startsWith("|") && (i == 0 || !doc.get(i - 1).startsWith("|"));
      if (!starts) {
        continue;
      }
      tables++;
      assertThat(doc.get(i - 1)).as("line %d: a blank line before a table", i).isBlank();
      int width = cells(line).size();
      assertThat(doc.get(i + 1))
          .as("line %d: separator", i + 2)
          .matches("^\\|(\\s*:?-+:?\\s*\\|)+$");
      for (int j = i + 1; j < doc.size() && doc.get(j).startsWith("|"); j++) {
        assertThat(cells(doc.get(j))).as("line %d: cells", j + 1).hasSize(width);
      }
    }
    assertThat(tables).as("tables").isGreaterThan(30);
    assertThat(fences % 2).as("unclosed code fence").isZero();
  }

  /** The links of the contents list lead to headings, by GitHub's rule for heading anchors. */
  @Test
  void linksWithinTheDocumentReachAHeading() {
    Set<String> anchors = new TreeSet<>();
    for (String line : doc) {
      if (line.startsWith("#")) {
        String text = line.replaceFirst("^#+ ", "").toLowerCase(Locale.ROOT);
        anchors.add(text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
      }
    }
    Matcher m = Pattern.compile("\\]\\(#([^)]+)\\)").matcher(String.join("\n", doc));
    int links = 0;
    while (m.find()) {
      assertThat(anchors).as("anchor #%s", m.group(1)).contains(m.group(1));
      links++;
    }
    assertThat(links).as("links within the document").isGreaterThan(40);
  }

  private static Section section(String number) {
    Section s = sections.get(number);
    assertThat(s).as("section %s", number).isNotNull();
    return s;
  }

  private static List<String> cells(String row) {
    String inner = row.strip();
    assertThat(inner).as("table row %s", row).startsWith("|").endsWith("|");
    return Arrays.stream(inner.substring(1, inner.length() - 1).split("\\|", -1))
        .map(String::strip)
        .toList();
  }

  private static String unquote(String cell) {
    return cell.replace("`", "");
  }

  private static List<byte[]> hexBlocks(Section s) {
    List<byte[]> blocks = new ArrayList<>();
    StringBuilder hex = null;
    for (String line : s.lines()) {
      if (hex == null && line.equals("```hex")) {
        hex = new StringBuilder();
      } else if (hex != null && line.equals("```")) {
        blocks.add(Hex.bytes(hex.toString()));
        hex = null;
      } else if (hex != null) {
        hex.append(line).append(' ');
      }
    }
    return blocks;
  }

  private static String source(String path) throws IOException {
    return Files.readString(root.resolve(path), StandardCharsets.UTF_8);
  }

  /** The sections cited in the javadoc right before {@code constant(} in an enum's source. */
  private static Set<String> javadocCites(String source, String constant) {
    Matcher m =
        Pattern.compile("/\\*\\*((?:(?!\\*/).)*)\\*/\\s*" + constant + "\\(", Pattern.DOTALL)
            .matcher(source);
    Set<String> cited = new TreeSet<>();
    if (m.find()) {
      Matcher c = CITE.matcher(m.group(1));
      while (c.find()) {
        cited.add(c.group(1));
      }
    }
    return cited;
  }

  /** Java sources under any module's {@code src}, and Markdown files; build output skipped. */
  private static List<Path> filesThatMayCite() throws IOException {
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            String name = dir.equals(root) ? "" : dir.getFileName().toString();
            return name.equals("target") || name.startsWith(".") || name.equals("node_modules")
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            String p = root.relativize(file).toString().replace('\\', '/');
            if (p.endsWith(".md") || (p.endsWith(".java") && p.contains("/src/"))) {
              found.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return found;
  }
}
