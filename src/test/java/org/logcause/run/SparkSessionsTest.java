package org.logcause.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.logcause.support.SharedSpark;

/** The settings every run's session gets, and what they change for the SQL a run and its users write. */
class SparkSessionsTest {
  @Test
  void lowerCasesWithTheJvmsMappingsNotIcusTable() {
    SparkSession spark = SharedSpark.get();
    assertThat(spark.conf().get(SparkSessions.ICU_CASE_MAPPINGS)).isEqualTo("false");
    // A setting's name, as findings normalise it, and text beyond ASCII: the same lower case as ICU gives.
    Row r = spark.sql("select lower('Max_Connections'), lower('ÉTÉ À Ærø'), upper('straße')").first();
    assertThat(r.getString(0)).isEqualTo("max_connections");
    assertThat(r.getString(1)).isEqualTo("été à ærø");
    assertThat(r.getString(2)).isEqualTo("STRASSE");
  }
}
