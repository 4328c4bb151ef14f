package org.logcause.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.logcause.attribution.core.Facts;
import org.logcause.support.SharedSpark;

/** Which lines of the events are someone's action, on a small table of classified events. */
class AttributeActionsTest {
  private static Dataset<Row> events(String values) {
    return SharedSpark.get().sql("select event_id, cast(ts as timestamp) ts, component, 'h' host, format, message, category, subcategory, "
        + "map_from_arrays(array('change_type', 'change_id', 'parameter'), array(ctype, cid, param)) attributes from values "
        + values + " as t(event_id, ts, component, format, message, category, subcategory, ctype, cid, param)");
  }

  private static long at(String t) {
    return java.time.Instant.parse(t).toEpochMilli() * 1000;
  }

  @Test
  void aShutdownAfterTheServersOwnCrashLinesIsNoOnesActionButARequestedOneAfterACrashIs() {
    Dataset<Row> crashThenStop = events(String.join(",",
        "('e1', '2025-05-06 08:00:00', 'db-a', 'postgres', 'server process (PID 9) was terminated by signal 6', 'restart', 'crash_recovery', null, null, null)",
        "('e2', '2025-05-06 08:00:05', 'db-a', 'postgres', 'shutting down due to startup process failure', 'restart', 'shutdown', null, null, null)",
        "('e3', '2025-05-06 08:00:05', 'db-a', 'postgres', 'database system is shut down', 'restart', 'shutdown', null, null, null)",
        "('e4', '2025-05-06 08:01:00', 'db-b', 'postgres', 'received fast shutdown request', 'restart', 'shutdown_request', null, null, null)",
        "('e5', '2025-05-06 08:01:01', 'db-b', 'postgres', 'database system is shut down', 'restart', 'shutdown', null, null, null)"));
    List<Facts.Action> actions = Attribute.actions(crashThenStop, at("2025-05-06T07:00:00Z"), at("2025-05-06T09:00:00Z"), 60_000_000L);
    assertThat(actions).extracting(Facts.Action::eventId).containsExactly("e4", "e5");
    assertThat(actions).allMatch(a -> a.type().equals("restart") && a.component().equals("db-b"));

    Dataset<Row> crashThenRequest = events(String.join(",",
        "('e1', '2025-05-06 08:00:00', 'db-a', 'postgres', 'server process (PID 9) was terminated by signal 9', 'restart', 'crash_recovery', null, null, null)",
        "('e2', '2025-05-06 08:00:40', 'db-a', 'postgres', 'received fast shutdown request', 'restart', 'shutdown_request', null, null, null)",
        "('e3', '2025-05-06 08:00:41', 'db-a', 'postgres', 'database system is shut down', 'restart', 'shutdown', null, null, null)"));
    assertThat(Attribute.actions(crashThenRequest, at("2025-05-06T07:00:00Z"), at("2025-05-06T09:00:00Z"), 60_000_000L))
        .extracting(Facts.Action::eventId).containsExactly("e2", "e3");
  }

  @Test
  void aSettingTheServerLoggedIsAnActionUnlessAChangeRecordGivesIt() {
    Dataset<Row> logged = events(String.join(",",
        "('f1', '2025-05-06 08:00:00', 'db-a', 'changes', 'set sync standby', 'config_change', 'setting', 'config_change', 'c-1', 'synchronous_standby_names')",
        "('s1', '2025-05-06 08:00:02', 'db-a', 'postgres', 'parameter \"synchronous_standby_names\" changed to \"FIRST 1 (dr)\"', 'config_change', 'setting', null, null, null)",
        "('s2', '2025-05-06 08:00:02', 'db-a', 'postgres', 'parameter \"work_mem\" changed to \"64MB\"', 'config_change', 'setting', null, null, null)",
        "('s3', '2025-05-06 08:00:03', 'db-a', 'postgres', 'received SIGHUP, reloading configuration files', 'config_change', 'reload', null, null, null)",
        "('s4', '2025-05-06 08:20:00', 'db-a', 'postgres', 'parameter \"work_mem\" removed from configuration file, reset to default', 'config_change', 'setting', null, null, null)"));
    List<Facts.Action> actions = Attribute.actions(logged, at("2025-05-06T07:00:00Z"), at("2025-05-06T09:00:00Z"), 60_000_000L);
    assertThat(actions).extracting(Facts.Action::eventId).containsExactly("f1", "s2", "s4");
    assertThat(actions.get(1)).extracting(Facts.Action::type, Facts.Action::parameter, Facts.Action::newValue, Facts.Action::changeId)
        .containsExactly("config_change", "work_mem", "64MB", null);
    assertThat(actions.get(1).text()).isEqualTo("db-a logged \"parameter \"work_mem\" changed to \"64MB\"\"");
    assertThat(actions.get(2)).extracting(Facts.Action::type, Facts.Action::parameter, Facts.Action::newValue)
        .containsExactly("revert", "work_mem", "(default)");
  }
}
