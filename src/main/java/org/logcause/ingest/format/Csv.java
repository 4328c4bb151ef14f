package org.logcause.ingest.format;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 fields of one record; {@code complete} is false while a quoted field is still open. */
public record Csv(List<String> fields, boolean complete) {
  public static Csv parse(CharSequence text) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        wasQuoted = true;
      } else if (c == ',') {
        fields.add(field.length() == 0 && !wasQuoted ? null : field.toString());
        field.setLength(0);
        wasQuoted = false;
      } else {
        field.append(c);
      }
    }
    fields.add(field.length() == 0 && !wasQuoted ? null : field.toString());
    return new Csv(fields, !quoted);
  }

  public String get(int i) {
    return i < fields.size() ? fields.get(i) : null;
  }
}
