package org.logcause.run;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs some of a stage's work on one thread beside the caller's, so that two Spark jobs (or a job and the driver's
 * own work) overlap. The thread is created inside the stage, so it inherits the stage's Spark local properties (the
 * pipeline stage {@link SparkProfile} files jobs under). {@link #join} waits for it and rethrows what it threw;
 * {@link #close} always waits for it, so a failure on the caller's side never leaves a writer running behind it.
 */
final class Beside implements AutoCloseable {
  private final ExecutorService thread;
  private Future<?> work;

  Beside(String name) {
    thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts {@code work} on the thread beside (once). */
  void run(Runnable work) {
    if (this.work != null) {
      throw new IllegalStateException("already running");
    }
    this.work = thread.submit(work);
  }

  /** Waits for the work started by {@link #run}, rethrowing its exception or error as it was thrown. */
  void join() {
    if (work == null) {
      return;
    }
    try {
      work.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the work beside", e);
    }
  }

  /** Waits for the thread to finish whatever it runs (without rethrowing: {@link #join} does that) and stops it. */
  @Override
  public void close() {
    thread.shutdown();
    boolean interrupted = false;
    while (!thread.isTerminated()) {
      try {
        thread.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
