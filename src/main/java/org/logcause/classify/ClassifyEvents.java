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
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.logcause.classify.core.Masker;
import org.logcause.classify.core.Rules;
import org.logcause.text.Memo;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Classify stage: files every event under a category, subcategory and severity with the rule that decided it,
 * and computes its masked message (the input of template mining). One pass per partition; the rules are plain
 * Java ({@link Rules}), so they are tested without Spark.
 */
public final class ClassifyEvents {
  public static final String MASKED = "masked";
  /** The 64-bit key of the masked message ({@link MineTemplates#key}), by which events are joined to templates. */
  public static final String TEMPLATE_KEY = "template_key";
  private final Rules rules;

  public ClassifyEvents(Rules rules) {
    this.rules = rules;
  }

  /** Classifies one partition; static so the closure captures only the rules and the column positions. */
  private static Iterator<Row> classify(Rules r, int[] at, Iterator<Row> rows) {
    return new Iterator<>() {
      private final Memo<Masked> masks = new Memo<>(MASKS, MASKED_CHARS);

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row row = rows.next();
        Map<String, String> attrs = row.isNullAt(at[4]) ? Map.of()
            : CollectionConverters.asJava(row.<String, String>getMap(at[4]));
        Object[] added = columns(r, row.getString(at[0]), row.getString(at[1]), row.getString(at[2]), row.getString(at[3]), attrs,
            masks);
        List<Object> values = new ArrayList<>(row.size() + added.length);
        for (int i = 0; i < row.size(); i++) {
          values.add(row.get(i));
        }
        values.addAll(java.util.Arrays.asList(added));
        return RowFactory.create(values.toArray());
      }
    };
  }

  /** The columns classification adds to an event, in this order: see {@link #columns}. */
  public static final StructField[] COLUMNS = {
      DataTypes.createStructField("category", DataTypes.StringType, false),
      DataTypes.createStructField("subcategory", DataTypes.StringType, false),
      DataTypes.createStructField("severity", DataTypes.StringType, false),
      DataTypes.createStructField("rule_id", DataTypes.StringType, true),
      DataTypes.createStructField(TEMPLATE_KEY, DataTypes.LongType, false),
      DataTypes.createStructField(MASKED, DataTypes.StringType, true)};

  /**
   * The values of {@link #COLUMNS} for one event: category, subcategory, severity, rule id, template key, masked
   * message. The one place an event is classified, whether in this stage or in the ingest pass ({@code ReadSources.classifyingWith}).
   */
  public static Object[] columns(Rules r, String format, String source, String level, String message,
      Map<String, String> attributes) {
    return columns(r, format, source, level, message, attributes, null);
  }

  /** {@link #columns}, with the masked messages already met in this task remembered in {@code masks} (or null). */
  public static Object[] columns(Rules r, String format, String source, String level, String message,
      Map<String, String> attributes, Memo<Masked> masks) {
    Rules.Classification c = r.classify(format, source, level, message, attributes);
    Masked m = masks == null || message == null ? masked(message) : masks.get(message, ClassifyEvents::masked);
    return new Object[] {c.category(), c.subcategory(), c.severity(), c.ruleId(), m.key(), m.masked()};
  }

  /** A task remembers the masked form of this many messages of at most {@link #MASKED_CHARS} characters. */
  public static final int MASKS = 4096;
  public static final int MASKED_CHARS = 512;

  /** A message masked for template mining, and its template key. */
  public record Masked(String masked, long key) {}

  static Masked masked(String message) {
    String masked = Masker.mask(message);
    return new Masked(masked, MineTemplates.key(masked));
  }

  public Dataset<Row> apply(Dataset<Row> events) {
    StructType out = events.schema();
    for (StructField f : COLUMNS) {
      out = out.add(f);
    }
    StructType in = events.schema();
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
