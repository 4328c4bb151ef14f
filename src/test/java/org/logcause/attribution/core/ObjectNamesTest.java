package org.logcause.attribution.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ObjectNamesTest {
  @Test
  void aStatementReadsTheRelationsAfterFromJoinUpdateAndInto() {
    assertThat(ObjectNames.relations("duration: 1610.095 ms  statement: SELECT id, status, amount FROM orders WHERE "
        + "customer_id = 27724 ORDER BY id DESC LIMIT 20")).containsExactly("orders");
    assertThat(ObjectNames.relations("STATEMENT:  select o.id from public.\"Orders\" o join shop.line_items li on li.order_id = o.id"))
        .containsExactly("line_items", "orders");
    assertThat(ObjectNames.relations("UPDATE accounts SET balance = balance - 1 WHERE id = 7")).containsExactly("accounts");
    assertThat(ObjectNames.relations("# Query: INSERT INTO `audit_log` (who) VALUES ('x')")).containsExactly("audit_log");
  }

  @Test
  void aLineWithoutAStatementNamesNoRelation() {
    assertThat(ObjectNames.relations("connection received: host=10.0.0.7 from upstream into pool")).isEmpty();
    assertThat(ObjectNames.relations("ERROR:  canceling statement due to statement timeout")).isEmpty();
    assertThat(ObjectNames.relations(null)).isEmpty();
  }

  @Test
  void aChangeNamesTheObjectsOfItsIdentifiersAndDdlNotTheWordsOfItsProse() {
    assertThat(ObjectNames.named("migration 0058: drop unused index orders_customer_idx", "schema_version", "58"))
        .contains("orders", "customer", "orders_customer", "orders_customer_idx", "schema_version")
        .doesNotContain("migration", "drop", "unused");
    assertThat(ObjectNames.named("migration 0042: add column orders.channel and backfill it")).contains("orders", "channel");
    assertThat(ObjectNames.named("ALTER TABLE line_items ADD COLUMN note text")).contains("line_items");
    assertThat(ObjectNames.named("create index concurrently on Payments (created_at)")).contains("payments", "created_at");
    assertThat(ObjectNames.named("enable recommendations for 5% of users", null, "on")).isEmpty();
    // a setting's or a flag's identifiers are no database objects unless the record is about them
    assertThat(ObjectNames.named("more throughput from the new batching", "orders.batch_size", "500")).isEmpty();
    assertThat(ObjectNames.named("release 1.9.0: order details from the new read model", "version", "1.9.0")).isEmpty();
  }
}
