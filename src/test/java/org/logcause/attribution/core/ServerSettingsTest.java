package org.logcause.attribution.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Settings a server logged changing, as actions beside (not doubling) the change records. */
class ServerSettingsTest {
  private static final long S = 1_000_000L;

  private static ServerSettings.Line line(String id, long seconds, String component, String message) {
    return new ServerSettings.Line(id, seconds * S, component, message);
  }

  private static Facts.Action record(String id, long seconds, String component, String type, String parameter) {
    return new Facts.Action("ev-" + id, seconds * S, component, type, id, type + " " + id, null, parameter, "x", "dba");
  }

  @Test
  void readsPostgresqlsChangedAndResetLines() {
    assertThat(ServerSettings.read("parameter \"synchronous_standby_names\" changed to \"FIRST 1 (pg_sync_b)\""))
        .isEqualTo(new ServerSettings.Setting("synchronous_standby_names", "FIRST 1 (pg_sync_b)", false));
    assertThat(ServerSettings.read("parameter \"primary_conninfo\" changed to \"\""))
        .isEqualTo(new ServerSettings.Setting("primary_conninfo", "", false));
    assertThat(ServerSettings.read("parameter \"primary_conninfo\" removed from configuration file, reset to default"))
        .isEqualTo(new ServerSettings.Setting("primary_conninfo", "(default)", true));
    assertThat(ServerSettings.read("parameter \"max_connections\" cannot be changed without restarting the server"))
        .isEqualTo(new ServerSettings.Setting("max_connections", "(from the next restart)", false));
    assertThat(ServerSettings.read("Semi-sync replication enabled on the master."))
        .isEqualTo(new ServerSettings.Setting("rpl_semi_sync_master_enabled", "ON", false));
    assertThat(ServerSettings.read("Semi-sync replication disabled on the source."))
        .isEqualTo(new ServerSettings.Setting("rpl_semi_sync_source_enabled", "OFF", true));
    assertThat(ServerSettings.read("Semi-sync replication switched OFF.")).isNull();
    assertThat(ServerSettings.read("received SIGHUP, reloading configuration files")).isNull();
  }

  @Test
  void aServerLineARecordAlreadyGivesIsLeftOutAndOthersAreKeptInTimeOrder() {
    List<Facts.Action> recorded = List.of(record("c-1", 100, "db-a", "config_change", "synchronous_standby_names"),
        record("c-2", 300, "db-a", "config_change", null), record("r-1", 500, "db-a", "restart", null));
    List<Facts.Action> out = ServerSettings.merge(recorded, List.of(
        line("s1", 101, "db-a", "parameter \"synchronous_standby_names\" changed to \"FIRST 1 (dr)\""), // c-1's line
        line("s2", 101, "db-b", "parameter \"synchronous_standby_names\" changed to \"FIRST 1 (dr)\""), // another server
        line("s3", 200, "db-a", "parameter \"synchronous_standby_names\" changed to \"\""), // 100 s after c-1: its own
        line("s4", 301, "db-a", "parameter \"work_mem\" changed to \"1MB\""), // c-2 names no parameter: its line
        line("s5", 495, "db-a", "parameter \"work_mem\" changed to \"4MB\"")), // a restart is no setting record
        List.of(), 60 * S);
    assertThat(out).extracting(Facts.Action::eventId).containsExactly("ev-c-1", "s2", "s3", "ev-c-2", "s5", "ev-r-1");
    assertThat(out.get(1)).extracting(Facts.Action::component, Facts.Action::type, Facts.Action::changeId)
        .containsExactly("db-b", "config_change", null);
  }

  @Test
  void aResetToDefaultIsARevertOnlyOfASettingChangedBefore() {
    List<Facts.Action> out = ServerSettings.merge(List.of(), List.of(
        line("s1", 100, "db-a", "parameter \"primary_conninfo\" changed to \"port=5999\""),
        line("s2", 400, "db-a", "parameter \"primary_conninfo\" removed from configuration file, reset to default"),
        line("s3", 400, "db-a", "parameter \"work_mem\" removed from configuration file, reset to default")), List.of(),
        60 * S);
    assertThat(out).extracting(Facts.Action::eventId, Facts.Action::type).containsExactly(
        org.assertj.core.groups.Tuple.tuple("s1", "config_change"), org.assertj.core.groups.Tuple.tuple("s2", "revert"),
        org.assertj.core.groups.Tuple.tuple("s3", "config_change"));
  }

  @Test
  void aSettingLoggedAsItsServerStartsIsReadNotChanged() {
    // MariaDB logs semi-sync enabled again as it starts with the setting in its configuration, just before "ready for
    // connections"; PostgreSQL's walreceiver stopping for a new primary_conninfo is no start
    Facts.Action restart = new Facts.Action("ev-r", 100 * S, "db-a", "restart", null, "db-a logged a shutdown", null, null,
        null, null);
    List<Facts.Action> out = ServerSettings.merge(List.of(restart), List.of(
        line("s1", 10, "db-a", "Semi-sync replication enabled on the master."),
        line("s2", 100, "db-a", "Semi-sync replication enabled on the master."),
        line("s3", 300, "db-a", "Semi-sync replication disabled on the master.")),
        List.of(line("up", 101, "db-a", "mariadbd: ready for connections.")), 60 * S);
    assertThat(out).extracting(Facts.Action::eventId, Facts.Action::type).containsExactly(
        org.assertj.core.groups.Tuple.tuple("s1", "config_change"), org.assertj.core.groups.Tuple.tuple("ev-r", "restart"),
        org.assertj.core.groups.Tuple.tuple("s3", "revert"));
  }
}
