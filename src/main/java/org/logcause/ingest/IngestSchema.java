package org.logcause.ingest;

import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createMapType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/** The row shape of everything the ingest of one file yields, before it is split into tables. */
final class IngestSchema {
  static final String EVENT = "event";
  static final String QUARANTINE = "quarantine";
  static final String FILE = "file";
  /** A masked message and its key, the first time a task meets that key (the events carry only the key). */
  static final String TEMPLATE = "template";

  static final StructType RECORDS =
      createStructType(
          List.of(
              createStructField("kind", StringType, false),
              createStructField("source", StringType, false),
              createStructField("component", StringType, false),
              createStructField("format", StringType, false),
              createStructField("file", StringType, false),
              createStructField("line", LongType, true),
              createStructField("line_count", IntegerType, true),
              createStructField("ts_micros", LongType, true),
              createStructField("level", StringType, true),
              createStructField("message", StringType, true),
              createStructField("host", StringType, true),
              createStructField("attributes", createMapType(StringType, StringType), true),
              createStructField("raw", StringType, true),
              createStructField("reason", StringType, true),
              createStructField("lines_read", LongType, true),
              createStructField("bytes", LongType, true),
              createStructField("events", LongType, true),
              createStructField("continuation_lines", LongType, true),
              createStructField("quarantined", LongType, true),
              createStructField("invalid_utf8_lines", LongType, true),
              createStructField("error", StringType, true),
              createStructField("masked_values", LongType, true)));

  private IngestSchema() {}
}
