package org.logcause.classify;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Classify stage: files every event under a category, subcategory and severity with the rule that decided it,
 * and computes its masked message (the input of template mining). One pass per partition; the rules are plain
 * Java ({@link Rules}), so they are tested without Spark.
 */
public final class ClassifyEvents {
  public static final String MASKED = "masked";
  private final Rules rules;

  public ClassifyEvents(Rules rules) {
    this.rules = rules;
  }

  /** Classifies one partition; static so the closure captures only the rules and the column positions. */
  private static Iterator<Row> classify(Rules r, int[] at, Iterator<Row> rows) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row row = rows.next();
        Map<String, String> attrs = row.isNullAt(at[4]) ? Map.of()
            : CollectionConverters.asJava(row.<String, String>getMap(at[4]));
        String msg = row.getString(at[3]);
        Rules.Classification c = r.classify(row.getString(at[0]), row.getString(at[1]), row.getString(at[2]), msg, attrs);
        List<Object> values = new ArrayList<>(row.size() + 5);
        for (int i = 0; i < row.size(); i++) {
          values.add(row.get(i));
        }
        values.add(c.category());
        values.add(c.subcategory());
        values.add(c.severity());
        values.add(c.ruleId());
        values.add(Masker.mask(msg));
        return RowFactory.create(values.toArray());
      }
    };
  }

  public Dataset<Row> apply(Dataset<Row> events) {
    StructType in = events.schema();
    StructType out = in.add("category", DataTypes.StringType, false)
        .add("subcategory", DataTypes.StringType, false)
        .add("severity", DataTypes.StringType, false)
        .add("rule_id", DataTypes.StringType, true)
        .add(MASKED, DataTypes.StringType, false);
    int format = in.fieldIndex("format");
    int source = in.fieldIndex("source");
    int level = in.fieldIndex("level");
    int message = in.fieldIndex("message");
    int attributes = in.fieldIndex("attributes");
    Rules r = rules;
    int[] at = {format, source, level, message, attributes};
    return events.mapPartitions((Iterator<Row> rows) -> classify(r, at, rows), Encoders.row(out));
  }
}
