package org.logcause.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.logcause.job.JobSpec;

class SecretMaskerTest {
  /** A planted line and the secret in it that must not survive. */
  record Planted(String line, String secret) {}

  static final List<Planted> PLANTED = List.of(
      new Planted("statement: ALTER ROLE app WITH LOGIN PASSWORD 'Tr0ub4dor&3';", "Tr0ub4dor&3"),
      new Planted("statement: CREATE USER 'etl'@'%' IDENTIFIED BY 's3cr3t-etl-pw'", "s3cr3t-etl-pw"),
      new Planted("connecting with host=db1 port=5432 user=app password=hunter2hunter2 dbname=shop", "hunter2hunter2"),
      new Planted("jdbc:postgresql://db1/shop?user=app&password=Zx9!pass&ssl=true", "Zx9!pass"),
      new Planted("retrying postgres://app:CorrectHorse42@db-primary:5432/shop", "CorrectHorse42"),
      new Planted("GET /api/orders Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.dBjftJeZ4CVPmB92K27uhbUJU1p1r", "dBjftJeZ4CVPmB92K27uhbUJU1p1r"),
      new Planted("upstream call failed, header authorization=Basic YWxhZGRpbjpvcGVuc2VzYW1l", "YWxhZGRpbjpvcGVuc2VzYW1l"),
      new Planted("s3 upload with AKIAIOSFODNN7EXAMPLE denied", "AKIAIOSFODNN7EXAMPLE"),
      new Planted("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
      new Planted("{\"api_key\": \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\", \"status\": 401}", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
      new Planted("github push with ghp_16C7e42F292c6912E7710c838347Ae178B4a failed", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
      new Planted("password reset mail sent to jane.doe+shop@example.co.uk", "jane.doe+shop@example.co.uk"),
      new Planted("session_id: 9f86d081884c7d659a2feaa0c55ad015 expired", "9f86d081884c7d659a2feaa0c55ad015"));

  static SecretMasker masker() {
    return new SecretMasker(new JobSpec.Masking(null, null, null));
  }

  @Test
  void noPlantedSecretSurvivesAndEachIsCounted() {
    SecretMasker m = masker();
    for (Planted p : PLANTED) {
      String out = m.mask(p.line());
      assertThat(out).as(p.line()).doesNotContain(p.secret()).containsAnyOf(SecretMasker.REDACTED, SecretMasker.EMAIL);
    }
    assertThat(m.masked()).isGreaterThanOrEqualTo(PLANTED.size());
  }

  @Test
  void aTextMetAgainIsMaskedAndCountedAgain() {
    SecretMasker once = masker();
    SecretMasker repeated = masker();
    for (Planted p : PLANTED) {
      String first = once.mask(p.line());
      for (int i = 0; i < 3; i++) {
        assertThat(repeated.mask(p.line())).isEqualTo(first);
      }
    }
    assertThat(repeated.masked()).isEqualTo(3 * once.masked()).isPositive();
    assertThat(repeated.mask("GET /health HTTP/1.1 200 12ms")).isEqualTo("GET /health HTTP/1.1 200 12ms");
    assertThat(repeated.masked()).isEqualTo(3 * once.masked());
  }

  @Test
  void ordinaryLinesAreLeftAlone() {
    SecretMasker m = masker();
    for (String line : List.of(
        "FATAL:  password authentication failed for user \"app\"",
        "ERROR:  duplicate key value violates unique constraint \"orders_pkey\"",
        "token bucket refilled: 40 tokens",
        "Basic configuration loaded from /etc/app.yaml",
        "connection received: host=10.0.4.17 port=51234",
        "GET /health HTTP/1.1 200 12ms",
        "LOG:  parameter \"synchronous_standby_names\" changed to \"FIRST 1 (db_replica_new)\"")) {
      assertThat(m.mask(line)).isEqualTo(line);
    }
    assertThat(m.masked()).isZero();
  }

  @Test
  void secretNamedAttributesAndSecretSettingsLoseTheirValuesEverywhere() {
    SecretMasker m = masker();
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("parameter", "replication_password");
    attrs.put("old_value", "oldPass#1");
    attrs.put("new_value", "newPass#2");
    attrs.put("new", "newPass#2"); // the raw field a parser kept beside the canonical one
    attrs.put("change_id", "c-9");
    attrs.put("password_expired", "false");
    SecretMasker.Masked out = m.mask("config_change c-9: replication_password oldPass#1 -> newPass#2 on db", attrs);
    assertThat(out.message()).doesNotContain("oldPass#1", "newPass#2").contains("replication_password", "c-9");
    assertThat(out.attributes()).containsEntry("old_value", SecretMasker.REDACTED).containsEntry("new_value", SecretMasker.REDACTED)
        .containsEntry("new", SecretMasker.REDACTED)
        .containsEntry("change_id", "c-9").containsEntry("password_expired", "false");

    Map<String, String> json = new LinkedHashMap<>();
    json.put("user", "bob@example.com");
    json.put("api_token", "abcd-1234-efgh");
    SecretMasker.Masked j = m.mask("login by bob@example.com with abcd-1234-efgh", json);
    assertThat(j.message()).isEqualTo("login by [EMAIL] with [REDACTED]");
    assertThat(j.attributes()).containsEntry("user", SecretMasker.EMAIL).containsEntry("api_token", SecretMasker.REDACTED);
  }

  @Test
  void theSpecTurnsItOffOrAddsPatterns() {
    SecretMasker off = new SecretMasker(new JobSpec.Masking(false, null, null));
    assertThat(off.mask(PLANTED.get(0).line())).isEqualTo(PLANTED.get(0).line());
    SecretMasker noEmails = new SecretMasker(new JobSpec.Masking(true, false, null));
    assertThat(noEmails.mask("mail to a.b@example.org")).isEqualTo("mail to a.b@example.org");
    SecretMasker extra = new SecretMasker(new JobSpec.Masking(true, true,
        List.of(new JobSpec.Masking.Extra("customer", "CUST-\\d{6}"))));
    assertThat(extra.mask("order for CUST-123456 failed")).isEqualTo("order for [REDACTED] failed");
  }

}
