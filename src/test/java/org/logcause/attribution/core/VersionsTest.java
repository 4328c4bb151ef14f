package org.logcause.attribution.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Releases read from the versions programs name when they start and stop. */
class VersionsTest {
  private static final long S = 1_000_000L;

  private static Versions.Observation stop(String id, long seconds, String host, String message) {
    return new Versions.Observation(id, seconds * S, "shop-svc", host, false, null, message);
  }

  private static Versions.Observation start(String id, long seconds, String host, String field, String message) {
    return new Versions.Observation(id, seconds * S, "shop-svc", host, true, field, message);
  }

  @Test
  void readsTheVersionAProgramNamesAndNoAddressOrDuration() {
    assertThat(Versions.read(null, "starting PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu, compiled by "
        + "gcc (Debian 12.2.0-14+deb12u1) 12.2.0, 64-bit")).isEqualTo("15.18");
    assertThat(Versions.read(null, "/usr/sbin/mysqld (mysqld 8.0.36) starting as process 1")).isEqualTo("8.0.36");
    assertThat(Versions.read(null, "Starting OrderService v2.4.1 using Java 17.0.9 with PID 7")).isEqualTo("v2.4.1");
    assertThat(Versions.read(null, "shop-svc v1.9.0-rc1 shutting down (signal 15)")).isEqualTo("v1.9.0-rc1");
    assertThat(Versions.read("2024.06.1", "started")).isEqualTo("2024.06.1");
    assertThat(Versions.read(null, "listening on IPv4 address \"127.0.0.1\", port 5432")).isNull();
    assertThat(Versions.read(null, "Started OrderService in 3.2 seconds (process running for 3.9)")).isNull();
    assertThat(Versions.read(null, "Tomcat started on port 8080 (http) with context path ''")).isNull();
    assertThat(Versions.read(null, "Server 4.5 s to start")).isNull();
  }

  @Test
  void aNewVersionAfterARestartIsADeployAndGoingBackARollbackDatedByTheRestart() {
    List<Facts.Action> out = Versions.merge(List.of(), List.of(
        stop("a", 100, "h1", "shop-svc v1.8.2 shutting down (signal 15)"),
        stop("b", 300, "h1", "shop-svc v1.9.0 shutting down (signal 15)"),
        start("c", 301, "h1", null, "Starting shop-svc v1.8.2 using Java 17"),
        start("d", 500, "h1", null, "Starting shop-svc v1.8.2 using Java 17")), 60 * S);
    assertThat(out).extracting(Facts.Action::eventId, Facts.Action::ts, Facts.Action::type, Facts.Action::newValue)
        .containsExactly(tuple("b", 100 * S, "deploy", "v1.9.0"), tuple("c", 301 * S, "revert", "v1.8.2"));
    assertThat(out.get(0).parameter()).isEqualTo("version");
    assertThat(out.get(0).text()).contains("ran v1.9.0 after its restart at", "v1.8.2 before it");
  }

  @Test
  void oneReleaseReachingEveryHostIsOneDeployAndARecordedDeployIsNotDoubled() {
    List<Versions.Observation> rolling = List.of(
        start("a1", 10, "h1", "1.4.0", "started"), start("b1", 12, "h2", "1.4.0", "started"),
        start("a2", 200, "h1", "1.5.0", "started"), start("b2", 260, "h2", "1.5.0", "started"));
    assertThat(Versions.merge(List.of(), rolling, 60 * S)).extracting(Facts.Action::eventId).containsExactly("a2");
    Facts.Action recorded = new Facts.Action("ev-c1", 195 * S, "shop-svc", "deploy", "c-1", "release 1.5.0", null, null,
        null, "ci");
    assertThat(Versions.merge(List.of(recorded), rolling, 60 * S)).containsExactly(recorded);
    // a program that never changes its version, and one stopped with a version it did not start with, give nothing
    assertThat(Versions.merge(List.of(), List.of(start("x", 10, "h1", null, "starting PostgreSQL 15.18"),
        start("y", 90, "h1", null, "starting PostgreSQL 15.18"), stop("z", 300, "h1", "shop-svc v2.0.0 shutting down")),
        60 * S)).isEmpty();
  }
}
