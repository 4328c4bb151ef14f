package org.logcause.job;

/**
 * A job spec (or a command-line value) is wrong in a way the user can fix. The message names the field and the
 * bad value, e.g. {@code sources[2].timezone: unknown zone "CEST+1"}; the CLI prints it as one line and exits 2.
 */
public final class SpecException extends RuntimeException {
  public SpecException(String message) {
    super(message);
  }

  public SpecException(String message, Throwable cause) {
    super(message, cause);
  }
}
