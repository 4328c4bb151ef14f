package org.logcause.ingest;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;

/**
 * Ships the driver's Hadoop configuration (credentials for s3a://, HDFS addresses) to the executors.
 *
 * <p>Every task deserializes its closure, and this with it. Hadoop's own {@code Configuration.write} gzips the source
 * list of each of its ~1000 properties, one compressor per string, and reading it back costs as much again: that was
 * 8% of an eval's CPU. So the properties travel as plain key/value pairs, and an executor builds the configuration
 * once per shipped instance (its {@link #id}), not once per task.
 */
final class HadoopConf implements Serializable {
  private static final long serialVersionUID = 2L;

  /** The configurations executors built lately, by id: a run ships one, a few runs may share a JVM (eval, tests). */
  private static final Map<String, Configuration> BUILT = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Configuration> eldest) {
      return size() > 8;
    }
  };

  private transient String id;
  private transient Configuration conf;

  HadoopConf(Configuration conf) {
    this.id = UUID.randomUUID().toString();
    this.conf = conf;
  }

  Configuration get() {
    return conf;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.writeUTF(id);
    LinkedHashMap<String, String> entries = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : conf) {
      entries.put(e.getKey(), e.getValue());
    }
    out.writeObject(entries);
  }

  @SuppressWarnings("unchecked")
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    id = in.readUTF();
    Map<String, String> entries = (Map<String, String>) in.readObject();
    synchronized (BUILT) {
      conf = BUILT.get(id);
      if (conf == null) {
        conf = new Configuration(false);
        entries.forEach(conf::set);
        BUILT.put(id, conf);
      }
    }
  }
}
