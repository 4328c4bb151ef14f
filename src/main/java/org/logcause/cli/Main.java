package org.logcause.cli;

import java.io.PrintWriter;
import org.logcause.job.SpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code logcause <command>}: the entry point of the launcher, of {@code java -jar} and of {@code spark-submit
 * --class org.logcause.cli.Main}. Exit codes: 0 success, 1 completed with file-level errors, 2 usage or
 * configuration error (one line, no stack trace), 3 failure (a bug or an environment problem, with its trace).
 */
@Command(
    name = "logcause",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Finds what really caused an outage in the logs of a web stack.",
    subcommands = {InitCommand.class, ForensicCommand.class, NightlyCommand.class, SimulateCommand.class, EvalCommand.class, BenchCommand.class, QueryCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static final int USAGE = 2;
  public static final int FAILURE = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs a command with the given console streams (tests capture them). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(Main::onException);
    cli.setParameterExceptionHandler(
        (ex, a) -> {
          PrintWriter e = ex.getCommandLine().getErr();
          e.println("logcause: " + ex.getMessage());
          e.println("Try 'logcause " + ex.getCommandLine().getCommandName() + " --help'.");
          return USAGE;
        });
    return cli.execute(args);
  }

  private static int onException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    Throwable user = userError(ex);
    if (user != null) {
      err.println("logcause: " + user.getMessage());
      return USAGE;
    }
    err.println("logcause: failed: " + ex);
    ex.printStackTrace(err);
    return FAILURE;
  }

  /** A SpecException anywhere in the cause chain (Spark wraps what executors throw) is the user's to fix. */
  private static Throwable userError(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SpecException) {
        return c;
      }
    }
    return null;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see --help)");
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"logcause " + (v == null ? "dev" : v)};
    }
  }
}
