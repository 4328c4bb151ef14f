package org.logcause.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** The Hadoop configuration shipped to executors: every property arrives, built once per shipped instance. Spark-free. */
class HadoopConfTest {
  private static byte[] ship(HadoopConf c) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(c);
    }
    return bytes.toByteArray();
  }

  private static HadoopConf receive(byte[] bytes) throws Exception {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (HadoopConf) in.readObject();
    }
  }

  @Test
  void everyPropertyArrivesAndEachTaskOfARunSharesOneConfiguration() throws Exception {
    Configuration driver = new Configuration();
    driver.set("fs.s3a.endpoint", "http://minio:9000");
    driver.set("fs.defaultFS", "hdfs://nn:8020");
    driver.set("logcause.test.long", "x".repeat(100_000)); // longer than writeUTF's 64 KB
    byte[] shipped = ship(new HadoopConf(driver));

    HadoopConf task1 = receive(shipped);
    HadoopConf task2 = receive(shipped);
    assertThat(task1.get().get("fs.s3a.endpoint")).isEqualTo("http://minio:9000");
    assertThat(task1.get().get("fs.defaultFS")).isEqualTo("hdfs://nn:8020");
    assertThat(task1.get().get("logcause.test.long")).hasSize(100_000);
    assertThat(task1.get().size()).isEqualTo(driver.size());
    assertThat(task2.get()).as("built once per shipped instance").isSameAs(task1.get());

    driver.set("fs.s3a.endpoint", "http://other:9000");
    HadoopConf nextRun = receive(ship(new HadoopConf(driver)));
    assertThat(nextRun.get()).isNotSameAs(task1.get());
    assertThat(nextRun.get().get("fs.s3a.endpoint")).isEqualTo("http://other:9000");
  }
}
