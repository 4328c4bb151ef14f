package org.logcause.classify.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TemplateMinerTest {
  private final TemplateMiner miner = new TemplateMiner();

  @Test
  void masksNumbersAddressesIdsPathsAndQuotedValues() {
    assertThat(Masker.mask("Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106 dest: /10.250.19.102:50010"))
        .isEqualTo("Receiving block <*> src: <*>:<*> dest: <*>:<*>");
    assertThat(Masker.mask("could not extend file \"base/16384/16400\": No space left on device"))
        .isEqualTo("could not extend file \"<*>\": No space left on device");
    assertThat(Masker.mask("user 550e8400-e29b-41d4-a716-446655440000 at 0x7fed806eb5d from https://shop.example/a?b=1 to ops@example.com"))
        .isEqualTo("user <*> at <*> from <*> to <*>");
    assertThat(Masker.mask("rotating /var/log/postgresql/postgresql-16-main.log after 12:30:01 (v6.1.7601.23505)"))
        .isEqualTo("rotating <*> after <*> (<*>)");
    assertThat(Masker.mask("proxy.cse.cuhk.edu.hk:5070 open through proxy")).isEqualTo("<*>:<*> open through proxy");
    assertThat(Masker.mask("Failed to send metrics: java.net.PortUnreachableException: ICMP"))
        .isEqualTo("Failed to send metrics: java.net.PortUnreachableException: ICMP");
    assertThat(Masker.mask("resolved db1.example.com.")).isEqualTo("resolved <*>");
    assertThat(Masker.mask("first line\n\tat com.shop.Foo.bar(Foo.java:42)")).isEqualTo("first line");
  }

  @Test
  void joinsMessagesThatDifferOnlyInParameters() {
    List<String> t = miner.mine(List.of(
        "Connection to db1:5432 refused after 30 attempts", "Connection to db2:5432 refused after 7 attempts",
        "session opened for user cyrus by (uid=0)", "session opened for user news by (uid=0)",
        "session opened for user alice by (uid=0)", "session opened for user bob by (uid=0)"));
    assertThat(t.get(0)).isEqualTo(t.get(1)).isEqualTo("Connection to <*> refused after <*> attempts");
    assertThat(t.subList(2, 6)).containsOnly("session opened for user <*> by (uid=<*>)");
  }

  @Test
  void keepsEventTypesThatDifferInAStateWordApart() {
    List<String> t = miner.mine(List.of("session opened for user root", "session closed for user root"));
    assertThat(t.get(0)).isEqualTo("session opened for user root");
    assertThat(t.get(1)).isEqualTo("session closed for user root");
  }

  @Test
  void keepsKindsNamedInCapitalsApartAndTheirNumbersLiteral() {
    List<String> t = miner.mine(List.of(
        "10.0.0.1:443 open through proxy proxy.example.com:5070 HTTPS",
        "10.0.0.2:443 open through proxy proxy.example.com:5070 SOCKS5"));
    assertThat(t).containsExactly("<*>:<*> open through proxy <*>:<*> HTTPS", "<*>:<*> open through proxy <*>:<*> SOCKS5");
  }

  @Test
  void mergesAParameterOfSeveralWordsIntoOneTemplate() {
    // "file <name>" where the name has one, two or three words after masking: Drain would make three templates.
    List<String> t = miner.mine(List.of(
        "Loaded plugin <*> from cache", "Loaded plugin <*> <*> from cache", "Loaded plugin <*> <*> <*> from cache"));
    assertThat(t).containsOnly("Loaded plugin <*> from cache");
  }

  @Test
  void keepsTheKeyOfKeyValueTokens() {
    List<String> t = miner.mine(List.of(
        "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=10.0.0.1 user=alice",
        "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=10.0.0.9 user=bob",
        "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=10.0.0.7 user=carol",
        "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=10.0.0.3 user=dave"));
    assertThat(t).containsOnly("authentication failure; logname= uid=<*> euid=<*> tty=NODEVssh ruser= rhost=<*> user=<*>");
  }

  @Test
  void aPositionWithAFewWordsNamesTheKindOfEventButMonthsStayParameters() {
    List<String> t = miner.mine(List.of(
        "Location icon should now be in state Active", "Location icon should now be in state Inactive",
        "Session: 3012_1 initialized by client SPP.", "Session: 3013_1 initialized by client WindowsUpdateAgent.",
        "login by user=root from 10.0.0.1", "login by user=guest from 10.0.0.2",
        "connection from 10.0.0.1 at Sat Jul 9 22:53:22 2005", "connection from 10.0.0.2 at Sat Jun 10 02:53:22 2005"));
    assertThat(t.get(0)).isEqualTo("Location icon should now be in state Active");
    assertThat(t.get(1)).isEqualTo("Location icon should now be in state Inactive");
    assertThat(t.get(2)).isEqualTo("Session: <*> initialized by client SPP.");
    assertThat(t.get(3)).isEqualTo("Session: <*> initialized by client WindowsUpdateAgent.");
    assertThat(t.get(4)).isEqualTo("login by user=root from <*>");
    assertThat(t.get(5)).isEqualTo("login by user=guest from <*>");
    assertThat(t.get(6)).as("a date's words are a parameter").isEqualTo(t.get(7));
  }

  @Test
  void aQuantityWithOrWithoutItsUnitConversionOrComparisonIsOneParameter() {
    List<String> t = miner.mine(List.of(
        "proxy.example.com:5070 close, 0 bytes sent, 0 bytes received, lifetime 00:01",
        "proxy.example.com:5070 close, 1190 bytes (1.16 KB) sent, 1671 bytes (1.63 KB) received, lifetime <1 sec",
        "Mail.Example.ASIA:443 close, 403 bytes sent, 1284 bytes (1.25 KB) received, lifetime 00:02"));
    assertThat(t.get(0)).isEqualTo(t.get(1)).isEqualTo(t.get(2));
    assertThat(Masker.mask("BAYMSGR2.gateway.Messenger.live.com:1863 open")).isEqualTo("<*>:<*> open");
    assertThat(Masker.mask("status:200 ok")).as("a key and a number are not an endpoint").isEqualTo("status:<*> ok");
  }

  @Test
  void theResultDoesNotDependOnInputOrderOrGrouping() {
    List<String> msgs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      msgs.add("PacketResponder " + (i % 3) + " for block blk_" + (1000 + i) + " terminating");
      msgs.add("Served block blk_" + i + " to /10.0.0." + (i % 250));
      msgs.add("Deleting block blk_" + i + " file /mnt/hadoop/dfs/data/current/subdir" + (i % 9) + "/blk_" + i);
      msgs.add("session " + (i % 2 == 0 ? "opened" : "closed") + " for user u" + (i % 5));
    }
    List<String> once = miner.mine(msgs);
    List<String> shuffled = new ArrayList<>(msgs);
    Collections.shuffle(shuffled, new Random(7));
    List<String> twice = miner.mine(shuffled);
    for (int i = 0; i < shuffled.size(); i++) {
      assertThat(twice.get(i)).isEqualTo(once.get(msgs.indexOf(shuffled.get(i))));
    }
  }

  /** Plain numbers skip the patterns; on every token shape around them the result is the patterns' own. */
  @Test
  void numbersMaskedWithoutThePatternsAsThePatternsWould() {
    String[] shapes = {"42", "0.412", "(7,", "12:", "1.5)", "1,5", "1.2.3", "10.0.0.1", "-5", "+3", "((", "7.", ".7", "12:30",
        "0x1f", "3a", "1e5", "((12));", "80392,", "2.0ms", "v1.2", "1..2", "007", "1.5.", "(1.5),"};
    java.util.Random random = new java.util.Random(3);
    java.util.List<String> tokens = new java.util.ArrayList<>(java.util.List.of(shapes));
    String alphabet = "0123456789.,:;()-+ax";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder b = new StringBuilder();
      for (int k = 1 + random.nextInt(7); k > 0; k--) b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      tokens.add(b.toString().strip());
    }
    int fast = 0;
    for (String t : tokens) {
      if (t.isEmpty() || t.contains(" ")) continue;
      assertThat(Masker.maskedToken(t, true)).as(t).isEqualTo(Masker.maskedToken(t, false));
      if (Masker.maskNumber(t) != null) fast++;
    }
    assertThat(fast).isGreaterThan(500);
    assertThat(Masker.maskNumber("0.412")).isEqualTo("<*>");
    assertThat(Masker.maskNumber("(7,")).isEqualTo("(<*>,");
    assertThat(Masker.maskNumber("1.2.3")).isNull();
  }
}
