package org.logcause.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.logcause.classify.core.Rules;
import org.logcause.ingest.format.Formats;

/** Reads a YAML job spec into a validated {@link JobSpec}; every error names the field and the bad value. */
public final class JobSpecLoader {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JobSpecLoader() {}

  /** A validated spec, the folder its relative paths are resolved against, and a hash of its text. */
  public record LoadedJob(JobSpec spec, Path specFile, String specHash) {
    public Path baseDir() {
      Path parent = specFile.toAbsolutePath().getParent();
      return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }

    /** A path of the spec, resolved against the spec's folder unless absolute or a URI (hdfs://, s3a://). */
    public String resolve(String path) {
      if (path.contains("://") || path.startsWith("/")) {
        return path;
      }
      return baseDir().resolve(path).normalize().toString();
    }
  }

  public static LoadedJob load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new SpecException("job spec not found: " + file);
    } catch (IOException e) {
      throw new SpecException("cannot read job spec " + file + ": " + e.getMessage(), e);
    }
    JobSpec spec = parse(text, file.toString());
    LoadedJob loaded = new LoadedJob(spec, file, sha256(text));
    for (int i = 0; i < spec.sources().size(); i++) {
      String problem = SourcePaths.checkPattern(loaded, spec.sources().get(i));
      if (problem != null) {
        fail(file.toString(), "sources[" + i + "].path", problem);
      }
    }
    return loaded;
  }

  public static JobSpec parse(String yaml, String origin) {
    JobSpec spec;
    try {
      spec = YAML.readValue(yaml, JobSpec.class);
    } catch (UnrecognizedPropertyException e) {
      String known =
          e.getKnownPropertyIds() == null
              ? ""
              : " (known keys: "
                  + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "))
                  + ")";
      throw new SpecException(origin + ": " + path(e) + ": unknown key" + known);
    } catch (JsonMappingException e) {
      throw new SpecException(origin + ": " + path(e) + ": " + e.getOriginalMessage().split("\n")[0]);
    } catch (JsonProcessingException e) {
      throw new SpecException(origin + ": not valid YAML: " + e.getOriginalMessage().split("\n")[0]);
    }
    if (spec == null) {
      throw new SpecException(origin + ": empty job spec");
    }
    validate(spec, origin);
    return spec;
  }

  private static void validate(JobSpec spec, String origin) {
    require(notBlank(spec.job()), origin, "job", "a job name is required");
    require(!spec.sources().isEmpty(), origin, "sources", "at least one source is required");
    Set<String> names = new HashSet<>();
    Set<String> components = new HashSet<>(spec.topology().keySet());
    for (int i = 0; i < spec.sources().size(); i++) {
      SourceSpec s = spec.sources().get(i);
      String at = "sources[" + i + "]";
      require(s != null, origin, at, "empty source");
      require(notBlank(s.name()), origin, at + ".name", "a source name is required");
      require(names.add(s.name()), origin, at + ".name", "duplicate source name \"" + s.name() + "\"");
      require(notBlank(s.component()), origin, at + ".component", "a component is required");
      require(notBlank(s.path()), origin, at + ".path", "a path (glob) is required");
      require(notBlank(s.format()), origin, at + ".format", "a format is required (one of " + Formats.names() + ")");
      require(
          Formats.names().contains(s.format()),
          origin,
          at + ".format",
          "unknown format \"" + s.format() + "\" (known: " + String.join(", ", Formats.names()) + ")");
      try {
        ZoneId.of(s.timezone());
      } catch (DateTimeException e) {
        fail(origin, at + ".timezone", "unknown zone \"" + s.timezone() + "\"");
      }
      try {
        s.offset();
      } catch (IllegalArgumentException e) {
        fail(origin, at + ".clock_offset", e.getMessage());
      }
      try {
        Formats.create(s);
      } catch (IllegalArgumentException e) {
        fail(origin, at + ".options", e.getMessage());
      }
      components.add(s.component());
    }
    for (Map.Entry<String, List<String>> e : spec.topology().entrySet()) {
      List<String> deps = e.getValue() == null ? List.of() : e.getValue();
      for (String dep : deps) {
        require(
            components.contains(dep),
            origin,
            "topology." + e.getKey(),
            "depends on unknown component \"" + dep + "\" (known: " + components.stream().sorted().toList() + ")");
        require(!dep.equals(e.getKey()), origin, "topology." + e.getKey(), "a component cannot depend on itself");
      }
    }
    for (int i = 0; i < spec.masking().extra().size(); i++) {
      JobSpec.Masking.Extra e = spec.masking().extra().get(i);
      String at = "masking.extra[" + i + "]";
      require(e != null && notBlank(e.name()), origin, at + ".name", "a name is required");
      require(notBlank(e.pattern()), origin, at + ".pattern", "a pattern is required");
      try {
        org.logcause.text.BoundedRegex.compile(e.pattern());
      } catch (IllegalArgumentException ex) {
        fail(origin, at + ".pattern", ex.getMessage());
      }
    }
    require(spec.windows().nightlySeconds() > 0, origin, "windows.nightly_seconds",
        "must be at least 1, cannot be: " + spec.windows().nightlySeconds());
    require(spec.windows().forensicSeconds() > 0, origin, "windows.forensic_seconds",
        "must be at least 1, cannot be: " + spec.windows().forensicSeconds());
    try {
      Rules.validate(spec.rules());
    } catch (IllegalArgumentException e) {
      fail(origin, e.getMessage().substring(0, e.getMessage().indexOf(':')), e.getMessage().substring(e.getMessage().indexOf(':') + 2));
    }
    require(spec.limits().maxLineBytes() >= 1024, origin, "limits.max_line_bytes",
        "must be at least 1024, cannot be: " + spec.limits().maxLineBytes());
    require(spec.limits().maxEventChars() >= 1024, origin, "limits.max_event_chars",
        "must be at least 1024, cannot be: " + spec.limits().maxEventChars());
    for (String[] d : new String[][] {{"limits.plausible_before", spec.limits().plausibleBefore()},
        {"limits.plausible_after", spec.limits().plausibleAfter()}}) {
      try {
        require(Durations.parse(d[1]).toMillis() > 0, origin, d[0], "must be positive, cannot be: " + d[1]);
      } catch (IllegalArgumentException e) {
        fail(origin, d[0], e.getMessage());
      }
    }
    require(spec.keepRuns() >= 1, origin, "keep_runs", "must be at least 1, cannot be: " + spec.keepRuns());
    for (String problem : spec.detection().problems()) {
      int colon = problem.indexOf(": ");
      fail(origin, problem.substring(0, colon), problem.substring(colon + 2));
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      } else if (r.getFieldName() != null) {
        if (b.length() > 0) {
          b.append('.');
        }
        b.append(r.getFieldName());
      }
    }
    return b.length() == 0 ? "(top level)" : b.toString();
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static void require(boolean ok, String origin, String field, String problem) {
    if (!ok) {
      fail(origin, field, problem);
    }
  }

  private static void fail(String origin, String field, String problem) {
    throw new SpecException(origin + ": " + field + ": " + problem);
  }

  static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
