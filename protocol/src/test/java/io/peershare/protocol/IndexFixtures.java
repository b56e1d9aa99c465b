package io.peershare.protocol;

import io.peershare.protocol.IndexMessage.Ack;
import io.peershare.protocol.IndexMessage.CookieReply;
import io.peershare.protocol.IndexMessage.Deregister;
import io.peershare.protocol.IndexMessage.ErrorReply;
import io.peershare.protocol.IndexMessage.Hello;
import io.peershare.protocol.IndexMessage.Keepalive;
import io.peershare.protocol.IndexMessage.ListRequest;
import io.peershare.protocol.IndexMessage.Listing;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Locate;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.IndexMessage.Quit;
import io.peershare.protocol.IndexMessage.Register;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Index datagrams written out by hand from the spec, field by field, beside the record each one is.
 * Shared: requestId 0x01020304, cookie 0x1122334455667788, peer "alice", content "song.mp3", digest
 * 00 01 .. 1f.
 */
final class IndexFixtures {
  private IndexFixtures() {}

  record Fixture(String name, String hex, IndexMessage message) {
    byte[] bytes() {
      return Hex.bytes(hex);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final int ID = 0x01020304;
  static final long COOKIE = 0x1122334455667788L;
  static final String ID_HEX = "01020304";
  static final String COOKIE_HEX = "1122334455667788";
  static final String ALICE = "05 616c696365"; // str "alice"
  static final String SONG = "08 736f6e672e6d7033"; // str "song.mp3"
  static final String DIGEST_HEX =
      "000102030405060708090a0b0c0d0e0f 101112131415161718191a1b1c1d1e1f";
  static final Digest DIGEST = Digest.of(Hex.counting(32));

  static List<Fixture> all() {
    return List.of(
        new Fixture("H hello", "48 01 " + ID_HEX + " 0000000000000000", new Hello(ID)),
        new Fixture("Y cookie", "59 01 " + ID_HEX + COOKIE_HEX, new CookieReply(ID, COOKIE)),
        new Fixture(
            "R register",
            // cookie | peer | content | tcpPort 8080 | size 1 MiB + 1 | digest
            "52 01 " + ID_HEX + COOKIE_HEX + ALICE + SONG + "1f90 0000000000100001" + DIGEST_HEX,
            new Register(
                ID,
                COOKIE,
                PeerName.of("alice"),
                ContentName.of("song.mp3"),
                8080,
                1_048_577,
                DIGEST)),
        new Fixture(
            "T deregister",
            "54 01 " + ID_HEX + COOKIE_HEX + ALICE + SONG,
            new Deregister(ID, COOKIE, PeerName.of("alice"), ContentName.of("song.mp3"))),
        new Fixture(
            "Q quit",
            "51 01 " + ID_HEX + COOKIE_HEX + ALICE,
            new Quit(ID, COOKIE, PeerName.of("alice"))),
        new Fixture(
            "K keepalive",
            "4b 01 " + ID_HEX + COOKIE_HEX + ALICE,
            new Keepalive(ID, COOKIE, PeerName.of("alice"))),
        new Fixture(
            "O list",
            // after "abc", filter "MP"
            "4f 01 " + ID_HEX + COOKIE_HEX + "03 616263 02 4d50",
            new ListRequest(ID, COOKIE, "abc", "MP")),
        new Fixture(
            "O list, from the start, no filter",
            "4f 01 " + ID_HEX + COOKIE_HEX + "00 00",
            new ListRequest(ID, COOKIE, "", "")),
        new Fixture(
            "S locate",
            "53 01 " + ID_HEX + COOKIE_HEX + ALICE + SONG + "10",
            new Locate(ID, COOKIE, PeerName.of("alice"), ContentName.of("song.mp3"), 16)),
        new Fixture(
            "L listing",
            // more 1, count 2 | "song.mp3" 3 providers 1 MiB + 1 | "été" (c3a9 74 c3a9) 1, 0
            "4c 01 "
                + ID_HEX
                + "01 02"
                + SONG
                + "0003 0000000000100001"
                + "05 c3a974c3a9 0001 0000000000000000",
            new Listing(
                ID,
                true,
                List.of(
                    new ListingEntry(ContentName.of("song.mp3"), 3, 1_048_577),
                    new ListingEntry(ContentName.of("\u00e9t\u00e9"), 1, 0)))),
        new Fixture(
            "L listing, empty", "4c 01 " + ID_HEX + "00 00", new Listing(ID, false, List.of())),
        new Fixture(
            "P providers",
            // size | digest | count 2 | alice 4 192.168.0.1 8080 | bob 6 2001:db8::1 80
            "50 01 "
                + ID_HEX
                + "0000000000100001"
                + DIGEST_HEX
                + "02"
                + ALICE
                + "04 c0a80001 1f90"
                + "03 626f62 06 20010db8000000000000000000000001 0050",
            new Providers(
                ID,
                1_048_577,
                DIGEST,
                List.of(
                    new Provider(PeerName.of("alice"), ip("192.168.0.1"), 8080),
                    new Provider(PeerName.of("bob"), ip("2001:db8::1"), 80)))),
        new Fixture(
            "P providers, none",
            "50 01 " + ID_HEX + "0000000000000000" + DIGEST_HEX + "00",
            new Providers(ID, 0, DIGEST, List.of())),
        new Fixture("A ack", "41 01 " + ID_HEX + "0000005a", new Ack(ID, 90)),
        new Fixture(
            "A ack, top-bit requestId and max lease",
            "41 01 fffffffe ffffffff",
            new Ack(0xfffffffe, 0xffff_ffffL)),
        new Fixture(
            "E error",
            // NOT_FOUND (7), "not found"
            "45 01 " + ID_HEX + "0007 09 6e6f7420666f756e64",
            new ErrorReply(ID, ErrorCode.NOT_FOUND, "not found")),
        new Fixture(
            "E error, empty message",
            "45 01 " + ID_HEX + "0004 00",
            new ErrorReply(ID, ErrorCode.BAD_COOKIE, "")));
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
