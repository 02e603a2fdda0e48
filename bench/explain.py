"""Prints each hot path's statements with their plans (used by bench/explain.sh).

  explain.py sqlite SERVER_LOG DATABASE   statements from a LOG_LEVEL=debug server log, grouped
                                          by request, each with SQLite's EXPLAIN QUERY PLAN
  explain.py postgres -                   auto_explain's entries from PostgreSQL's log on stdin,
                                          grouped by the "hot path: …" markers between requests
"""

import re
import sqlite3
import sys

UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


def short(sql: str, limit: int = 600) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= limit else text[:limit] + " …"


def sqlite_plans(log_path: str, database: str) -> None:
    log = open(log_path, encoding="utf-8", errors="replace").read()
    statements: dict[str, list[str]] = {}
    for match in re.finditer(
        r"Executing query \[binds: .*?, database-id: [\w-]+, request-id: ([\w-]+), sql: (.*?)\] \(SQLiteKit",
        log,
        re.S,
    ):
        request, sql = match.group(1), match.group(2)
        if sql not in statements.setdefault(request, []):
            statements[request].append(sql)
    requests = re.findall(r"\[ INFO \] (GET|POST) (\S+) (\d+) \[duration_ms: [\d.]+, request-id: ([\w-]+)\]", log)
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    for method, path, status, request in requests:
        if method == "GET" and path == "/signin":
            continue
        print(f"### {method} {UUID.sub('{id}', path.split('?')[0])} ({status})\n")
        for sql in statements.get(request, []):
            if not re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)", sql, re.I):
                continue
            numbers = [int(n) for n in re.findall(r"\?(\d+)", sql)]
            count = max(numbers) if numbers else sql.count("?")
            try:
                plan = connection.execute("EXPLAIN QUERY PLAN " + sql, [None] * count).fetchall()
            except sqlite3.Error as error:
                plan = [(0, 0, 0, f"(not explained: {error})")]
            print("    " + short(sql))
            for row in plan or [(0, 0, 0, "(no table read)")]:
                print("        " + row[3])
            print()


def postgres_plans(lines: list[str]) -> None:
    entries: list[list[str]] = []
    for line in lines:
        if re.search(r"LOG:\s+duration: [\d.]+ ms\s+plan:", line):
            entries.append([line.rstrip("\n")])
        elif entries and (line.startswith("\t") or line.startswith(" ")):
            entries[-1].append(line.rstrip("\n"))
    section = None
    seen: set[str] = set()
    for entry in entries:
        text = next((l.split("Query Text:", 1)[1].strip() for l in entry if "Query Text:" in l), "")
        marker = re.match(r"SELECT 'hot path: (.*)'", text)
        if marker:
            section = marker.group(1)
            seen = set()
            if section != "end":
                print(f"### {section}\n")
            continue
        if section in (None, "end") or text in seen or text.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            continue
        seen.add(text)
        duration = re.search(r"duration: ([\d.]+) ms", entry[0])
        print(f"    {short(text)}   [{duration.group(1) if duration else '?'} ms]")
        for line in entry[1:]:
            if "Query Text:" not in line:
                print("        " + line.strip())
        print()


if __name__ == "__main__":
    if sys.argv[1] == "sqlite":
        sqlite_plans(sys.argv[2], sys.argv[3])
    else:
        postgres_plans(sys.stdin.readlines())
