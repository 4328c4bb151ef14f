package org.logcause.classify;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Template stage: mines templates from the distinct masked messages, one {@link TemplateMiner} group (first token)
 * per task, and joins them back onto the events as {@code template} and {@code template_id} (the first 16 hex
 * characters of SHA-256 of the template, stable across runs and jobs). Each group is mined from its sorted distinct
 * messages, so the templates do not depend on how the events were partitioned.
 */
public final class MineTemplates {
  private static final StructType MAPPING = new StructType()
      .add(ClassifyEvents.MASKED, DataTypes.StringType, false)
      .add("template", DataTypes.StringType, false);

  private final TemplateMiner miner;

  public MineTemplates(TemplateMiner miner) {
    this.miner = miner;
  }

  /** The distinct masked messages → template and template id, computed group by group. */
  public Dataset<Row> templates(Dataset<Row> classified) {
    TemplateMiner m = miner;
    JavaRDD<String> distinct = classified.select(ClassifyEvents.MASKED).distinct().as(Encoders.STRING()).javaRDD();
    JavaRDD<Row> mapping = distinct
        .mapToPair(s -> new Tuple2<>(TemplateMiner.groupOf(s), s))
        .groupByKey()
        .flatMap(group -> {
          List<String> members = new ArrayList<>();
          group._2().forEach(members::add);
          List<Row> rows = new ArrayList<>(members.size());
          for (Map.Entry<String, String> e : m.mineGroup(members).entrySet()) {
            rows.add(RowFactory.create(e.getKey(), e.getValue()));
          }
          return rows.iterator();
        });
    return classified.sparkSession().createDataFrame(mapping, MAPPING)
        .withColumn("template_id", substring(sha2(col("template"), 256), 1, 16)); // once per template, not per event
  }

  /** Joins a mapping from {@link #templates} onto the classified events (adaptive execution broadcasts it when small). */
  public static Dataset<Row> apply(Dataset<Row> classified, Dataset<Row> mapping) {
    return classified.join(mapping, ClassifyEvents.MASKED).drop(ClassifyEvents.MASKED);
  }
}
