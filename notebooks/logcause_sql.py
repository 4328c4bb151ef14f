"""SQL over logcause's Parquet output, with DuckDB, from a notebook.

    db = logcause_sql.connect(["../out/redcrow"])      # one or more output folders
    db.sql("SELECT * FROM incident_summary")             # a pandas DataFrame

Every table of the run an output folder's `current.json` names (the same pointer `logcause query` reads, read once
per folder, so all views show one run) becomes a view named like the table; with several folders, a view is the
union of their rows. The `duckdb` Python module is
used when it is installed; otherwise DuckDB's JDBC driver runs in a JVM started through JPype (how CI runs these
notebooks). The JDBC jar is found in $LOGCAUSE_DUCKDB_JAR or target/notebook-lib/ (notebooks/run-all puts it there).
"""

import glob
import json
import os

import pandas as pd

TABLES = ["events", "quarantine", "signals", "anomalies", "incidents", "hypotheses", "incident_summary", "run_manifest"]
HERE = os.path.dirname(os.path.abspath(__file__))


def current(folder):
    """The folder's published pointer (current.json) as a dict, or None when no run has published there."""
    try:
        with open(os.path.join(folder, "current.json"), encoding="utf-8") as f:
            pointer = json.load(f)
    except FileNotFoundError:
        return None
    return pointer if pointer.get("logcause_pointer") == 1 else None


def table_globs(folder, pointer, table):
    """The Parquet files of one table of the run a pointer names: a glob per folder holding its rows."""
    entry = pointer.get("tables", {}).get(table)
    if not entry:
        return []
    return [os.path.join(folder, part, "**", "*.parquet") if entry.get("partition") else
            os.path.join(folder, part, "*.parquet") for part in entry.get("parts", [])]


def current_file(folder, name):
    """The path of a file of the current run (run_manifest.json, postmortems/<incident>.md), or None."""
    pointer = current(folder)
    rel = pointer and pointer.get("files", {}).get(name)
    return os.path.join(folder, rel) if rel else None


class _DuckDbModule:
    def __init__(self):
        import duckdb  # noqa: F401 (an analyst's machine)

        self.con = duckdb.connect()

    def execute(self, sql):
        self.con.execute(sql)

    def sql(self, sql):
        return self.con.execute(sql).df()


class _DuckDbJdbc:
    """DuckDB's JDBC driver in a JVM started through JPype; results converted column by column."""

    def __init__(self):
        import jpype
        import jpype.imports  # noqa: F401

        jar = os.environ.get("LOGCAUSE_DUCKDB_JAR") or next(
            iter(sorted(glob.glob(os.path.join(HERE, "..", "target", "notebook-lib", "duckdb_jdbc-*.jar")))), None)
        if not jar:
            raise RuntimeError("DuckDB's JDBC jar not found: set LOGCAUSE_DUCKDB_JAR or run notebooks/run-all once")
        if not jpype.isJVMStarted():
            classpath = [jar] + [p for p in ["/usr/share/java/org.jpype.jar"] if os.path.exists(p)]
            jpype.startJVM(classpath=classpath, convertStrings=True)
        from java.sql import DriverManager  # type: ignore

        self.con = DriverManager.getConnection("jdbc:duckdb:")
        self.execute("SET TimeZone = 'UTC'")

    def execute(self, sql):
        statement = self.con.createStatement()
        try:
            statement.execute(sql)
        finally:
            statement.close()

    def sql(self, sql):
        statement = self.con.createStatement()
        try:
            rs = statement.executeQuery(sql)
            meta = rs.getMetaData()
            n = meta.getColumnCount()
            names = [str(meta.getColumnLabel(i)) for i in range(1, n + 1)]
            types = [str(meta.getColumnTypeName(i)).upper() for i in range(1, n + 1)]
            rows = []
            while rs.next():
                row = []
                for i, t in enumerate(types, start=1):
                    if t in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER"):
                        v = int(rs.getLong(i))
                    elif t in ("DOUBLE", "FLOAT", "REAL") or t.startswith("DECIMAL"):
                        v = float(rs.getDouble(i))
                    elif t == "BOOLEAN":
                        v = bool(rs.getBoolean(i))
                    else:
                        s = rs.getString(i)
                        v = None if s is None else str(s)
                    row.append(None if rs.wasNull() else v)
                rows.append(row)
            frame = pd.DataFrame(rows, columns=names)
            for name, t in zip(names, types):
                if t.startswith("TIMESTAMP"):
                    frame[name] = pd.to_datetime(frame[name], utc=True)
                elif t == "DATE":
                    frame[name] = pd.to_datetime(frame[name]).dt.date
            return frame
        finally:
            statement.close()


class Database:
    """The views over the output folders, and sql() returning a pandas DataFrame."""

    def __init__(self, engine, folders):
        self.engine = engine
        self.folders = [os.path.abspath(f) for f in folders]
        self.tables = []
        pointers = [(f, current(f)) for f in self.folders]
        for table in TABLES:
            files = [g for f, p in pointers if p for g in table_globs(f, p, table)]
            if not files:
                continue
            globs = ", ".join("'" + g.replace("'", "''") + "'" for g in files)
            self.engine.execute(
                f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet([{globs}], "
                f"hive_partitioning = true, union_by_name = true)")
            self.tables.append(table)

    def sql(self, query):
        return self.engine.sql(query)


def connect(folders):
    """Views over one output folder or a list of them (e.g. several nightly or forensic runs)."""
    if isinstance(folders, str):
        folders = [folders]
    try:
        engine = _DuckDbModule()
    except ImportError:
        engine = _DuckDbJdbc()
    return Database(engine, folders)
