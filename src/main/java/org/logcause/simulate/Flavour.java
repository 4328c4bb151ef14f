package org.logcause.simulate;

/** The database a scenario runs on; each writes its own log format and wording. */
public enum Flavour {
  POSTGRES,
  MYSQL
}
