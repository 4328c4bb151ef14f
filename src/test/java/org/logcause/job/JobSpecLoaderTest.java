package org.logcause.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JobSpecLoaderTest {
  private static final String VALID = """
      job: shop
      topology:
        orders-api: [pg-main]
        pg-main: [pg-standby-2]
      sources:
        - name: pg
          component: pg-main
          format: postgres
          path: logs/*.log
          timezone: Europe/Berlin
          clock_offset: -2.5s
          options:
            log_line_prefix: "%m [%p] "
        - name: standby
          component: pg-standby-2
          format: postgres
          path: logs/standby/*.log
        - name: api
          component: orders-api
          format: json
          path: api/*.jsonl
      """;

  @Test
  void loadsAValidSpecWithDefaults() {
    JobSpec spec = JobSpecLoader.parse(VALID, "shop.yaml");
    assertThat(spec.sources()).hasSize(3);
    assertThat(spec.sources().get(0).offset().toMillis()).isEqualTo(-2500);
    assertThat(spec.sources().get(1).timezone()).isEqualTo("UTC");
    assertThat(spec.windows().forensicSeconds()).isEqualTo(10);
    assertThat(spec.windows().nightlySeconds()).isEqualTo(60);
    assertThat(spec.topology()).containsEntry("pg-main", java.util.List.of("pg-standby-2"));
  }

  @Test
  void maskingIsOnByDefaultAndItsExtraPatternsAreChecked() {
    JobSpec spec = JobSpecLoader.parse(VALID, "shop.yaml");
    assertThat(spec.masking().enabled()).isTrue();
    assertThat(spec.masking().emails()).isTrue();
    JobSpec custom = JobSpecLoader.parse(VALID + "masking:\n  emails: false\n  extra:\n    - name: customer\n      pattern: 'CUST-\\d+'\n",
        "shop.yaml");
    assertThat(custom.masking().emails()).isFalse();
    assertThat(custom.masking().extra()).extracting(JobSpec.Masking.Extra::pattern).containsExactly("CUST-\\d+");
    assertThatThrownBy(() -> JobSpecLoader.parse(VALID + "masking:\n  extra:\n    - name: bad\n      pattern: '(unclosed'\n", "shop.yaml"))
        .hasMessageStartingWith("shop.yaml: masking.extra[0].pattern: not a valid regex");
  }

  @Test
  void theUserImpactLineHasDefaultsAndIsChecked() {
    Detection.Impact line = JobSpecLoader.parse(VALID, "shop.yaml").detection().impact();
    assertThat(line.required()).isTrue();
    assertThat(line.failureShare()).isEqualTo(0.05);
    assertThat(line.latencyFactor()).isEqualTo(2.5);
    assertThat(line.latencyMarginMs()).isEqualTo(700.0);
    JobSpec custom = JobSpecLoader.parse(VALID + "detection:\n  impact:\n    required: false\n    latency_margin_ms: 300\n",
        "shop.yaml");
    assertThat(custom.detection().impact().required()).isFalse();
    assertThat(custom.detection().impact().latencyMarginMs()).isEqualTo(300.0);
    assertThatThrownBy(() -> JobSpecLoader.parse(VALID + "detection:\n  impact:\n    failure_share: 5\n", "shop.yaml"))
        .hasMessageContaining("detection.impact.failure_share: must be above 0 and at most 1, cannot be: 5.0");
    assertThatThrownBy(() -> JobSpecLoader.parse(VALID + "detection:\n  impact:\n    bad_for: 40s\n", "shop.yaml"))
        .hasMessageContaining("detection.impact.within: must be at least bad_for (40s), cannot be: 30s");
    // the line is in time: two bad windows of three at 10 s, one window at a minute
    assertThat(line.badWindows(10)).isEqualTo(2);
    assertThat(line.spanWindows(10)).isEqualTo(3);
    assertThat(line.badWindows(60)).isEqualTo(1);
    assertThat(line.spanWindows(60)).isEqualTo(1);
    assertThat(line.badWindows(1)).isEqualTo(20);
  }

  @Test
  void rejectsAnUnknownKeyNamingItsPath() {
    assertThatThrownBy(() -> JobSpecLoader.parse(VALID.replace("clock_offset: -2.5s", "colour: red"), "shop.yaml"))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("shop.yaml: sources[0].colour: unknown key (known keys: ");
  }

  @Test
  void rejectsAnUnknownZone() {
    assertThatThrownBy(() -> JobSpecLoader.parse(VALID.replace("Europe/Berlin", "CEST+1"), "shop.yaml"))
        .hasMessage("shop.yaml: sources[0].timezone: unknown zone \"CEST+1\"");
  }

  @Test
  void rejectsAnUnknownFormatListingTheKnownOnes() {
    assertThatThrownBy(() -> JobSpecLoader.parse(VALID.replace("format: json", "format: jsonl"), "shop.yaml"))
        .hasMessageStartingWith("shop.yaml: sources[2].format: unknown format \"jsonl\" (known: postgres, ");
  }

  @Test
  void rejectsABadFormatOption() {
    assertThatThrownBy(() -> JobSpecLoader.parse(VALID.replace("log_line_prefix", "line_prefix"), "shop.yaml"))
        .hasMessage("shop.yaml: sources[0].options: unknown option \"line_prefix\" for format postgres (known: log_line_prefix)");
  }

  @Test
  void rejectsABadClockOffset() {
    assertThatThrownBy(() -> JobSpecLoader.parse(VALID.replace("-2.5s", "soon"), "shop.yaml"))
        .hasMessageStartingWith("shop.yaml: sources[0].clock_offset: not a duration: \"soon\"");
  }

  @Test
  void rejectsATopologyEdgeToAnUnknownComponent() {
    assertThatThrownBy(() -> JobSpecLoader.parse(VALID.replace("[pg-standby-2]", "[pg-standby-9]"), "shop.yaml"))
        .hasMessageStartingWith("shop.yaml: topology.pg-main: depends on unknown component \"pg-standby-9\"");
  }

  @Test
  void rejectsDuplicateSourceNamesAndBadWindows() {
    assertThatThrownBy(() -> JobSpecLoader.parse(VALID.replace("name: standby", "name: pg"), "shop.yaml"))
        .hasMessage("shop.yaml: sources[1].name: duplicate source name \"pg\"");
    assertThatThrownBy(() -> JobSpecLoader.parse(VALID + "windows:\n  forensic_seconds: 0\n", "shop.yaml"))
        .hasMessage("shop.yaml: windows.forensic_seconds: must be at least 1, cannot be: 0");
  }

  @Test
  void rejectsATypeMismatchWithItsPath() {
    assertThatThrownBy(() -> JobSpecLoader.parse(VALID + "windows:\n  forensic_seconds: ten\n", "shop.yaml"))
        .hasMessageStartingWith("shop.yaml: windows.forensic_seconds: ");
  }

  @Test
  void acceptsClassificationRulesAndNamesABadOne() {
    JobSpec spec = JobSpecLoader.parse(VALID + "rules:\n  - {id: noise, sources: [api], message: \"statsd\", category: benign, subcategory: metrics, severity: info}\n", "shop.yaml");
    assertThat(spec.rules()).singleElement().satisfies(r -> assertThat(r.category()).isEqualTo("benign"));
    assertThatThrownBy(() -> JobSpecLoader.parse(VALID + "rules:\n  - {id: noise, message: \"(\", category: benign, subcategory: m, severity: info}\n", "shop.yaml"))
        .hasMessageStartingWith("shop.yaml: rules[0].message: not a valid regex");
    assertThatThrownBy(() -> JobSpecLoader.parse(VALID + "rules:\n  - {id: noise, category: slow, subcategory: m, severity: info}\n", "shop.yaml"))
        .hasMessageStartingWith("shop.yaml: rules[0].category: \"slow\" is not one of");
  }

  @Test
  void reportsAMissingSpecFile() {
    assertThatThrownBy(() -> JobSpecLoader.load(java.nio.file.Path.of("no/such/job.yaml")))
        .hasMessage("job spec not found: no/such/job.yaml");
  }
}
