package org.logcause.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.logcause.job.JobSpec;
import org.logcause.job.JobSpecLoader;

class SimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Labels write(Family f, long seed, Path dir) throws IOException {
    return Simulator.write(new Simulator.Settings(f, seed, 0.2, null, null), dir);
  }

  @Test
  void theSameSeedWritesTheSameBytes(@TempDir Path tmp) throws IOException {
    write(Family.REPLICATION_MISCONFIG, 42, tmp.resolve("a"));
    write(Family.REPLICATION_MISCONFIG, 42, tmp.resolve("b"));
    List<Path> files;
    try (Stream<Path> s = Files.walk(tmp.resolve("a"))) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(7);
    for (Path a : files) {
      Path b = tmp.resolve("b").resolve(tmp.resolve("a").relativize(a));
      assertThat(b).as("same file in the second run").exists();
      assertThat(Files.mismatch(a, b)).as("first differing byte of %s", a.getFileName()).isEqualTo(-1L);
    }
  }

  @Test
  void seedsVaryNamesTimingsAndDatabaseFlavour(@TempDir Path tmp) throws IOException {
    Set<String> flavours = new HashSet<>();
    Set<String> primaries = new HashSet<>();
    Set<String> onsets = new HashSet<>();
    Set<Double> skews = new HashSet<>();
    for (long seed = 1; seed <= 12; seed++) {
      Labels l = write(Family.DISK_FULL, seed, tmp.resolve("s" + seed));
      flavours.add(l.flavour());
      primaries.add(l.components().get("db_primary"));
      onsets.add(l.incident().start().substring(11));
      skews.addAll(l.clockSkewSeconds().values());
    }
    assertThat(flavours).containsExactlyInAnyOrder("postgres", "mysql");
    assertThat(primaries).hasSizeGreaterThan(2);
    assertThat(onsets).hasSizeGreaterThan(10);
    assertThat(skews).allMatch(s -> Math.abs(s) <= 5.0).hasSizeGreaterThan(20);
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void labelsAgreeWithTheLogsAndTheJobSpec(Family family, @TempDir Path dir) throws IOException {
    Labels l = write(family, 3, dir);
    JobSpec spec = JobSpecLoader.load(dir.resolve("job.yaml")).spec();
    assertThat(spec.sources()).extracting(s -> s.format()).contains("access", "json", "changes");
    List<JsonNode> changes = Files.readAllLines(dir.resolve("changes/changes.jsonl")).stream().map(SimulatorTest::json).toList();
    if (family == Family.NO_INCIDENT) {
      assertThat(l.incident()).isNull();
      assertThat(l.rootCause()).isNull();
      assertThat(l.misleading()).isEmpty();
      return;
    }
    Instant start = Instant.parse(l.incident().start());
    Instant end = Instant.parse(l.incident().end());
    assertThat(end).isAfter(start.plus(Duration.ofMinutes(20)));
    Labels.RootCause rc = l.rootCause();
    Set<String> nodes = new HashSet<>(spec.topology().keySet());
    spec.topology().values().forEach(nodes::addAll);
    assertThat(nodes).as("root-cause component is in the topology").contains(rc.component());
    assertThat(Instant.parse(rc.onset())).isBeforeOrEqualTo(start).isAfter(start.minus(Duration.ofMinutes(5)));
    if (rc.changeId() != null) {
      assertThat(changes).as("the root-cause change record").anySatisfy(c -> {
        assertThat(c.get("id").asText()).isEqualTo(rc.changeId());
        assertThat(c.get("target").asText()).isEqualTo(rc.component());
        assertThat(Duration.between(Instant.parse(c.get("time").asText()), Instant.parse(rc.onset())).abs())
            .isLessThan(Duration.ofMillis(1));
      });
    }
    for (Labels.Signal m : l.misleading()) {
      assertThat(l.components()).containsValue(m.component());
      if (m.category().equals("restart")) {
        assertThat(changes).as("a restart record for %s", m).anySatisfy(c -> {
          assertThat(c.get("type").asText()).isEqualTo("restart");
          assertThat(c.get("target").asText()).isEqualTo(m.component());
        });
      }
    }
    assertThat(l.remediation()).last().satisfies(r -> assertThat(r.effect()).isEqualTo("recovered"));
  }

  @Test
  void theReplicationMisconfigurationSpeaksPostgresAndMysql(@TempDir Path tmp) throws IOException {
    Simulator.write(new Simulator.Settings(Family.REPLICATION_MISCONFIG, 5, 0.2, null, Flavour.POSTGRES), tmp.resolve("pg"));
    Simulator.write(new Simulator.Settings(Family.REPLICATION_MISCONFIG, 5, 0.2, null, Flavour.MYSQL), tmp.resolve("my"));
    String pg = readAll(tmp.resolve("pg/logs"), "postgresql.log");
    assertThat(pg).contains("FATAL:  sorry, too many clients already", "parameter \"synchronous_standby_names\" changed to",
        "WARNING:  canceling wait for synchronous replication due to user request",
        "DETAIL:  The transaction has already committed locally", "LOG:  database system is ready to accept connections");
    String my = readAll(tmp.resolve("my/logs"), "mysqld.log");
    assertThat(my).contains("[Warning] [MY-011153] [Repl] Timeout waiting for reply of binlog",
        "[Note] [MY-011155] [Repl] Semi-sync replication switched OFF.", "ready for connections");
  }

  private static String readAll(Path root, String name) throws IOException {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(p -> p.getFileName().toString().equals(name)).sorted().toList()) {
        b.append(Files.readString(p));
      }
    }
    return b.toString();
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
