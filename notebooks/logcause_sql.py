"""SQL over logcause's Parquet output, with DuckDB, from a notebook.

    db = logcause_sql.connect(["../out/redcrow"])      # one or more output folders
    db.sql("SELECT * FROM incident_summary")             # a pandas DataFrame

Every committed table (a folder with Spark's _SUCCESS marker, the same rule `logcause query` follows) becomes a
view named like the table; with several folders, a view is the union of their rows. The `duckdb` Python module is
used when it is installed; otherwise DuckDB's JDBC driver runs in a JVM started through JPype (how CI runs these
notebooks). The JDBC jar is found in $LOGCAUSE_DUCKDB_JAR or target/notebook-lib/ (notebooks/run-all puts it there).
"""

import glob
import os

import pandas as pd

TABLES = ["events", "quarantine", "signals", "anomalies", "incidents", "hypotheses", "incident_summary", "run_manifest"]
HERE = os.path.dirname(os.path.abspath(__file__))


def committed(folder, table):
    """True when the table under the folder was written to the end (the run committed it)."""
    return os.path.exists(os.path.join(folder, table, "_SUCCESS"))


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
        for table in TABLES:
            parts = [f for f in self.folders if committed(f, table)]
            if not parts:
                continue
            globs = ", ".join("'" + os.path.join(f, table, "**", "*.parquet").replace("'", "''") + "'" for f in parts)
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
