package org.logcause.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Row-for-row equality with a recorded run: per table, the number of rows and the SHA-256 of its rows as sorted JSON
 * strings ({@link TableRows}). A refactoring or a speed-up must leave them unchanged; a change of results must
 * update them on purpose: {@code mvn test -Dlogcause.golden.write=true -Dtest=...} rewrites
 * {@code src/test/resources/golden/<name>.json}, and the diff of that file goes in the commit.
 */
public final class Golden {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private static final Path DIR = Path.of("src/test/resources/golden");

  private Golden() {}

  /** Per table: "rows sha256". */
  public static Map<String, String> digest(Map<String, List<String>> rows) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, List<String>> t : rows.entrySet()) {
      try {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (String row : t.getValue()) {
          md.update(row.getBytes(StandardCharsets.UTF_8));
          md.update((byte) '\n');
        }
        out.put(t.getKey(), t.getValue().size() + " " + HexFormat.of().formatHex(md.digest()));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  /** The recorded digests of {@code name}, or (with -Dlogcause.golden.write=true) records these and returns them. */
  @SuppressWarnings("unchecked")
  public static Map<String, String> recorded(String name, Map<String, String> current) throws Exception {
    Path file = DIR.resolve(name + ".json");
    if (Boolean.getBoolean("logcause.golden.write")) {
      Files.createDirectories(DIR);
      Files.writeString(file, JSON.writeValueAsString(current) + "\n");
      return current;
    }
    return new TreeMap<>(JSON.readValue(file.toFile(), Map.class));
  }
}
