package org.logcause.simulate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The message texts of {@code simulate/wordings.yaml}: real product wordings, kept as data. */
final class Wordings {
  /** One message: its level as the product spells it, its text, and the extras some products print. */
  record Message(String category, String level, String text, String detail, String hint, String code, String subsystem, String logger) {}

  record File(int version, Map<String, Message> postgres, Map<String, Message> mysql, Map<String, Message> app) {}

  private final File file;

  private Wordings(File file) {
    this.file = file;
  }

  static Wordings load() {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    try (InputStream in = Wordings.class.getResourceAsStream("/simulate/wordings.yaml")) {
      return new Wordings(yaml.readValue(in, File.class));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read simulate/wordings.yaml", e);
    }
  }

  Message db(Flavour flavour, String key) {
    return get(flavour == Flavour.POSTGRES ? file.postgres() : file.mysql(), flavour.name().toLowerCase(), key);
  }

  Message app(String key) {
    return get(file.app(), "app", key);
  }

  private static Message get(Map<String, Message> section, String name, String key) {
    Message m = section.get(key);
    if (m == null) {
      throw new IllegalArgumentException("simulate/wordings.yaml: no message " + name + "." + key);
    }
    return m;
  }

  /** Fills {name} placeholders; a placeholder without a value is a bug in the simulator. */
  static String fill(String template, Map<String, ?> values) {
    if (template == null) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        b.append(template, i, template.length());
        break;
      }
      int close = template.indexOf('}', open);
      String key = template.substring(open + 1, close);
      Object v = values.get(key);
      if (v == null) {
        throw new IllegalArgumentException("no value for {" + key + "} in \"" + template + "\"");
      }
      b.append(template, i, open).append(v);
      i = close + 1;
    }
    return b.toString();
  }
}
