package org.logcause.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Work beside the caller's thread: its failure reaches the caller, and nothing outlives the block. */
class BesideTest {
  @Test
  void joinRethrowsWhatTheWorkThrewAsItWasThrown() {
    IllegalArgumentException thrown = new IllegalArgumentException("cannot write events");
    try (Beside beside = new Beside("test-beside")) {
      beside.run(() -> {
        throw thrown;
      });
      assertThatThrownBy(beside::join).isSameAs(thrown);
    }
  }

  @Test
  void closeWaitsForTheWorkEvenWhenTheCallerFailedFirst() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    assertThatThrownBy(() -> {
      try (Beside beside = new Beside("test-beside")) {
        beside.run(() -> {
          started.countDown();
          try {
            Thread.sleep(300);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          finished.set(true);
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        throw new IllegalStateException("the caller's own write failed");
      }
    }).hasMessage("the caller's own write failed");
    assertThat(finished).isTrue();
  }

  @Test
  void theThreadInheritsTheCallersInheritableState() {
    InheritableThreadLocal<String> stage = new InheritableThreadLocal<>();
    stage.set("write");
    String[] seen = new String[1];
    try (Beside beside = new Beside("test-beside")) {
      beside.run(() -> seen[0] = stage.get());
      beside.join();
    }
    assertThat(seen[0]).isEqualTo("write");
  }
}
