package org.logcause.simulate;

import java.util.Arrays;
import java.util.List;

/** The outage families the simulator knows, by the name {@code simulate --scenario} takes. */
public enum Family {
  REPLICATION_MISCONFIG("replication-misconfig"),
  TRAFFIC_SURGE("traffic-surge"),
  BAD_DEPLOY("bad-deploy"),
  REPLICA_LAG("replica-lag"),
  DISK_FULL("disk-full"),
  POOL_EXHAUSTION("pool-exhaustion"),
  NETWORK_PARTITION("network-partition"),
  LOCK_CONTENTION("lock-contention"),
  NO_INCIDENT("no-incident");

  private final String id;

  Family(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Family of(String id) {
    for (Family f : values()) {
      if (f.id.equals(id)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown scenario \"" + id + "\" (known: " + String.join(", ", ids()) + ")");
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(Family::id).toList();
  }
}
