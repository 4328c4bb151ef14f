package org.logcause.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.job.JobSpecLoader;

/** Every glob match that is not a readable regular file is named with its reason; none is read, none is lost silently. */
class SourceFilesTest {
  @TempDir Path dir;

  @Test
  void namesEveryMatchThatIsNotARegularFileInTheSpecsFolder() throws Exception {
    Path logs = dir.resolve("logs");
    Files.createDirectories(logs.resolve("b.log")); // a folder whose name matches
    Files.writeString(logs.resolve("a.log"), "x\n");
    Files.createSymbolicLink(logs.resolve("c.log"), logs.resolve("missing.txt")); // dangling
    Files.createSymbolicLink(logs.resolve("d.log"), logs.resolve("e.log")); // a loop
    Files.createSymbolicLink(logs.resolve("e.log"), logs.resolve("d.log"));
    Files.createSymbolicLink(logs.resolve("f.log"), Path.of("/etc/hostname")); // out of the spec's folder, into /etc
    Path outside = Files.createTempFile("outside", ".log");
    Files.createSymbolicLink(logs.resolve("g.log"), outside); // out of the spec's folder
    new ProcessBuilder("mkfifo", logs.resolve("h.log").toString()).start().waitFor();
    Files.createSymbolicLink(logs.resolve("i.log"), logs.resolve("a.log")); // a link inside: read
    Files.writeString(dir.resolve("job.yaml"), "job: t\nsources:\n  - {name: web, component: w, format: access, path: logs/*.log}\n");
    var job = JobSpecLoader.load(dir.resolve("job.yaml"));

    SourceFiles.Listing listing = SourceFiles.list(job, job.spec().sources().get(0), new Configuration());

    assertThat(listing.files()).extracting(m -> Path.of(new org.apache.hadoop.fs.Path(m.uri()).toUri().getPath()).getFileName().toString())
        .containsExactly("a.log", "i.log");
    Map<String, String> skipped = listing.skipped().stream()
        .collect(Collectors.toMap(k -> Path.of(k.path()).getFileName().toString(), SourceFiles.Skipped::reason));
    assertThat(skipped).containsOnlyKeys("b.log", "c.log", "d.log", "e.log", "f.log", "g.log", "h.log");
    assertThat(skipped.get("b.log")).startsWith("a folder");
    assertThat(skipped.get("c.log")).startsWith("dangling symbolic link (to ").contains("missing.txt");
    assertThat(skipped.get("d.log")).startsWith("symbolic link that cannot be followed").contains("Too many levels of symbolic links");
    assertThat(skipped.get("f.log")).contains("under /etc, which logcause never reads");
    assertThat(skipped.get("g.log")).contains("outside the job spec's folder").contains("allow_outside: true");
    assertThat(skipped.get("h.log")).startsWith("not a regular file");
    Files.delete(outside);
  }
}
