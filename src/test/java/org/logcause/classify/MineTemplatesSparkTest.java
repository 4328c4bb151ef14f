package org.logcause.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.logcause.classify.core.Masker;
import org.logcause.classify.core.TemplateMiner;
import org.logcause.support.SharedSpark;

class MineTemplatesSparkTest {

  @Test
  void templatesDoNotDependOnPartitioning() {
    SparkSession spark = SharedSpark.get();
    List<String> masked = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      masked.add(Masker.mask(switch (i % 5) {
        case 0 -> "PacketResponder " + (i % 3) + " for block blk_" + i + " terminating";
        case 1 -> "process " + i + " still waiting for ShareLock on transaction " + (900 + i) + " after 1000.1 ms";
        case 2 -> "session " + (i % 2 == 0 ? "opened" : "closed") + " for user u" + (i % 11);
        case 3 -> "connection received: host=10.0.0." + (i % 200) + " port=" + (30000 + i);
        default -> "Served block blk_" + i + " to /10.0.0." + (i % 250);
      }));
    }
    Dataset<Row> base = spark.createDataset(masked, Encoders.STRING()).toDF(ClassifyEvents.MASKED);
    MineTemplates stage = new MineTemplates(new TemplateMiner());
    String before = spark.conf().get("spark.sql.shuffle.partitions");
    try {
      spark.conf().set("spark.sql.shuffle.partitions", "1");
      List<Row> one = stage.templates(base.repartition(1)).orderBy(ClassifyEvents.MASKED).collectAsList();
      spark.conf().set("spark.sql.shuffle.partitions", "7");
      List<Row> seven = stage.templates(base.repartition(13)).orderBy(ClassifyEvents.MASKED).collectAsList();
      assertThat(seven).isEqualTo(one);
      // One row per key, and the key is that of the masked message (events are joined to templates by it).
      assertThat(one).hasSize((int) masked.stream().distinct().count());
      for (Row r : one) {
        assertThat(r.getLong(r.fieldIndex(ClassifyEvents.TEMPLATE_KEY))).isEqualTo(MineTemplates.key(r.getString(0)));
      }
      assertThat(one.stream().map(r -> r.getString(1)).distinct()).contains(
          "PacketResponder <*> for block <*> terminating", "session opened for user <*>", "session closed for user <*>");

      // Mined on the driver (a small input): the same rows, the same columns, and the count of distinct templates.
      MineTemplates.Mined onDriver = stage.mine(base, masked.size());
      assertThat(onDriver.mapping().schema()).isEqualTo(stage.templates(base).schema());
      assertThat(onDriver.mapping().orderBy(ClassifyEvents.MASKED).collectAsList()).isEqualTo(one);
      assertThat(onDriver.templates()).isEqualTo(one.stream().map(r -> r.getString(1)).distinct().count());
      MineTemplates.Mined distributed = stage.mine(base, MineTemplates.ON_DRIVER + 1);
      assertThat(distributed.mapping().orderBy(ClassifyEvents.MASKED).collectAsList()).isEqualTo(one);
      assertThat(distributed.templates()).isEqualTo(onDriver.templates());
      distributed.mapping().unpersist();
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", before);
    }
  }
}
