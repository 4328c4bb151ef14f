package org.logcause.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.logcause.support.SharedSpark;

class WriteManifestTest {

  /** The written-out schema is what Spark infers from a full manifest: a field added to the manifest fails here. */
  @Test
  void theManifestTablesSchemaIsTheInferredOne() {
    StructType inferred = WriteManifest.inferred(SharedSpark.get());
    assertThat(WriteManifest.SCHEMA.toDDL()).as("the inferred schema: %s", inferred.toDDL()).isEqualTo(inferred.toDDL());
    assertThat(WriteManifest.SCHEMA).isEqualTo(inferred);
  }
}
