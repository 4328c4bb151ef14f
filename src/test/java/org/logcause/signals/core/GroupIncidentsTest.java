package org.logcause.signals.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GroupIncidentsTest {
  private final GroupIncidents grouping = new GroupIncidents(3, 30, 60);

  @Test
  void noiseNeverOpensAnIncident() {
    List<GroupIncidents.Item> noise = List.of(
        new GroupIncidents.Item("a", "web", "category:client_error", 100, 140, 30, false),
        new GroupIncidents.Item("b", "db", "category:benign", 100, 200, 12, false),
        new GroupIncidents.Item("c", "db", "template:abc", 150, 150, 9, true),
        new GroupIncidents.Item("d", "app", "category:timeout", 150, 151, 40, false), // two windows: too short
        new GroupIncidents.Item("e", "web", "requests", 300, 320, 9, false)); // more traffic, no errors: not an outage
    assertThat(grouping.apply(noise)).isEmpty();
  }

  @Test
  void sustainedErrorsOpenAnIncidentThatTakesInThePrecedingChange() {
    List<GroupIncidents.Item> items = List.of(
        new GroupIncidents.Item("change", "db", "category:config_change", 95, 95, 3, true),
        new GroupIncidents.Item("waits", "db", "category:replication_fault", 100, 300, 25, false),
        new GroupIncidents.Item("timeouts", "app", "category:timeout", 110, 310, 18, false),
        new GroupIncidents.Item("spike", "web", "requests", 120, 300, 9, false),
        new GroupIncidents.Item("later", "db", "category:timeout", 900, 950, 11, false));
    List<GroupIncidents.Incident> incidents = grouping.apply(items);
    assertThat(incidents).hasSize(2);
    GroupIncidents.Incident first = incidents.get(0);
    assertThat(first.start()).isEqualTo(100);
    assertThat(first.end()).isEqualTo(310);
    assertThat(first.components()).containsExactly("app", "db", "web");
    assertThat(first.anomalyIds()).contains("change", "waits", "timeouts", "spike");
    assertThat(first.severity()).isEqualTo("critical");
    assertThat(incidents.get(1).anomalyIds()).containsExactly("later");
  }

  @Test
  void aSparseSignalStillGoingWhenTheIncidentBeginsJoinsItWithoutMovingItsStart() {
    List<GroupIncidents.Item> items = List.of(
        new GroupIncidents.Item("archive", "db", "category:resource_exhaustion", 10, 400, 4, true), // began long before
        new GroupIncidents.Item("old", "db", "category:restart", 5, 8, 3, true), // over long before: stays out
        new GroupIncidents.Item("errors", "app", "category:app_exception", 200, 300, 25, false));
    List<GroupIncidents.Incident> incidents = grouping.apply(items);
    assertThat(incidents).hasSize(1);
    assertThat(incidents.get(0).anomalyIds()).containsExactlyInAnyOrder("archive", "errors");
    assertThat(incidents.get(0).start()).isEqualTo(200);
  }

  @Test
  void anOpenerStillGoingFromAnEarlierIncidentDoesNotMoveTheNextOnesStart() {
    List<GroupIncidents.Item> items = List.of(
        new GroupIncidents.Item("long", "db", "category:timeout", 100, 500, 20, false),
        new GroupIncidents.Item("later", "app", "category:app_exception", 300, 400, 20, false));
    GroupIncidents narrow = new GroupIncidents(3, 5, 10);
    List<GroupIncidents.Incident> incidents = narrow.apply(items);
    assertThat(incidents).hasSize(1); // the later one starts inside the first: one incident
    assertThat(incidents.get(0).start()).isEqualTo(100);
    List<GroupIncidents.Incident> apart = narrow.apply(List.of(
        new GroupIncidents.Item("first", "db", "category:timeout", 100, 292, 20, false), // ends within the lookback
        new GroupIncidents.Item("second", "app", "category:app_exception", 300, 400, 20, false)));
    assertThat(apart).hasSize(2);
    assertThat(apart.get(1).anomalyIds()).contains("first", "second");
    assertThat(apart.get(1).start()).isEqualTo(300);
  }
}
