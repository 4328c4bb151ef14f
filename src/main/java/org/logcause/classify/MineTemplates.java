package org.logcause.classify;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.unsafe.types.UTF8String;
import org.logcause.classify.core.TemplateMiner;
import scala.Tuple2;

/**
 * Template stage: mines templates from the distinct masked messages, one {@link TemplateMiner} group (first token)
 * per task, and joins them back onto the events as {@code template} and {@code template_id} (the first 16 hex
 * characters of SHA-256 of the template, stable across runs and jobs). Each group is mined from its sorted distinct
 * messages, so the templates do not depend on how the events were partitioned.
 *
 * <p>Events carry a 64-bit {@link #key} of their masked message, not the message: the cached events stay smaller and
 * the join is on a number. Should two masked messages share a key (odds about n²/2⁶⁵ for n distinct messages), the
 * key keeps the template of the smaller message, so rows are never duplicated and runs stay deterministic.
 */
public final class MineTemplates {
  private static final StructType MINED = new StructType()
      .add(ClassifyEvents.MASKED, DataTypes.StringType, false)
      .add("template", DataTypes.StringType, false)
      .add(ClassifyEvents.TEMPLATE_KEY, DataTypes.LongType, false);

  private final TemplateMiner miner;

  public MineTemplates(TemplateMiner miner) {
    this.miner = miner;
  }

  /** The key of a masked message: 64-bit FNV-1a over its characters, then MurmurHash3's finalizer. */
  public static long key(String masked) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < masked.length(); i++) {
      h ^= masked.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= masked.length();
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  /**
   * Rows {@code masked, template, template_key, template_id}, one per key, from rows holding a {@code masked} column
   * (null values are skipped), computed group by group.
   */
  public Dataset<Row> templates(Dataset<Row> messages) {
    TemplateMiner m = miner;
    JavaRDD<String> distinct = messages.select(ClassifyEvents.MASKED).where(col(ClassifyEvents.MASKED).isNotNull())
        .distinct().as(Encoders.STRING()).javaRDD();
    JavaRDD<Row> mined = distinct
        .mapToPair(s -> new Tuple2<>(TemplateMiner.groupOf(s), s))
        .groupByKey()
        .flatMap(group -> {
          List<String> members = new ArrayList<>();
          group._2().forEach(members::add);
          List<Row> rows = new ArrayList<>(members.size());
          for (Map.Entry<String, String> e : m.mineGroup(members).entrySet()) {
            rows.add(RowFactory.create(e.getKey(), e.getValue(), key(e.getKey())));
          }
          return rows.iterator();
        });
    Column first = min(struct(col(ClassifyEvents.MASKED), col("template"))); // one row per key, whatever the order
    return messages.sparkSession().createDataFrame(mined, MINED)
        .groupBy(ClassifyEvents.TEMPLATE_KEY).agg(first.alias("m"))
        .select(col("m." + ClassifyEvents.MASKED), col("m.template"), col(ClassifyEvents.TEMPLATE_KEY),
            substring(sha2(col("m.template"), 256), 1, 16).alias("template_id")); // once per template, not per event
  }

  /** Templates mined: the mapping {@link #templates} describes, and how many distinct templates it holds. */
  public record Mined(Dataset<Row> mapping, long templates) {}

  /**
   * Below this many masked messages, they are mined on the driver: one Spark job (collecting them) instead of six, and
   * a mapping held on the driver, which every later join broadcasts without a job of its own. A masked message keeps at
   * most 4,000 characters: the driver holds at most some 160 MB of them, and usually a few hundred kilobytes.
   */
  public static final long ON_DRIVER = 20_000;

  /**
   * {@link #templates}, on the driver when {@code atMost} (a bound on the distinct masked messages; negative when
   * unknown) is at most {@link #ON_DRIVER}, else distributed and cached. The same rows either way.
   */
  public Mined mine(Dataset<Row> messages, long atMost) {
    if (atMost < 0 || atMost > ON_DRIVER) {
      Dataset<Row> mapping = templates(messages).persist(StorageLevel.MEMORY_AND_DISK());
      return new Mined(mapping, mapping.select("template").distinct().count());
    }
    // collected as they are (at most atMost rows, a task's keys once each) and made distinct here: no shuffle
    java.util.Set<String> distinct = new java.util.HashSet<>(messages.select(ClassifyEvents.MASKED)
        .where(col(ClassifyEvents.MASKED).isNotNull()).as(Encoders.STRING()).collectAsList());
    Map<String, List<String>> groups = new TreeMap<>();
    for (String masked : distinct) {
      groups.computeIfAbsent(TemplateMiner.groupOf(masked), g -> new ArrayList<>()).add(masked);
    }
    // one row per key: the least (masked, template) in Spark's order of strings, as min(struct(...)) keeps
    Map<Long, String[]> byKey = new TreeMap<>();
    for (List<String> members : groups.values()) {
      for (Map.Entry<String, String> e : miner.mineGroup(members).entrySet()) {
        String[] candidate = {e.getKey(), e.getValue()};
        byKey.merge(key(e.getKey()), candidate, (a, b) -> SPARK_ORDER.compare(a, b) <= 0 ? a : b);
      }
    }
    List<Row> rows = new ArrayList<>(byKey.size());
    java.util.Set<String> templates = new java.util.HashSet<>();
    byKey.forEach((k, v) -> {
      rows.add(RowFactory.create(v[0], v[1], k, templateId(v[1])));
      templates.add(v[1]);
    });
    return new Mined(messages.sparkSession().createDataFrame(rows, MAPPING), templates.size());
  }

  /** The mapping's columns, as {@link #templates} types them. */
  static final StructType MAPPING = new StructType()
      .add(ClassifyEvents.MASKED, DataTypes.StringType, true)
      .add("template", DataTypes.StringType, true)
      .add(ClassifyEvents.TEMPLATE_KEY, DataTypes.LongType, false)
      .add("template_id", DataTypes.StringType, true);

  /** Strings as Spark orders them (by their UTF-8 bytes), masked message first, then template. */
  private static final java.util.Comparator<String[]> SPARK_ORDER = java.util.Comparator
      .comparing((String[] r) -> UTF8String.fromString(r[0])).thenComparing(r -> UTF8String.fromString(r[1]));

  /** The first 16 hex digits of SHA-256 of the template's UTF-8 bytes: Spark's {@code substring(sha2(t, 256), 1, 16)}. */
  static String templateId(String template) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(template.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** Joins a mapping from {@link #templates} onto the events by key (adaptive execution broadcasts it when small). */
  public static Dataset<Row> apply(Dataset<Row> events, Dataset<Row> mapping) {
    return events.join(mapping.select(ClassifyEvents.TEMPLATE_KEY, "template", "template_id"), ClassifyEvents.TEMPLATE_KEY)
        .drop(ClassifyEvents.TEMPLATE_KEY);
  }
}
