package dev.sirocco.evals.suite;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: comma-separated fields, double-quoted fields may hold commas, newlines and {@code ""}
 * for a quote. The first row is the header. Rows remember their 1-based starting line for errors.
 */
record CsvTable(List<String> header, List<Row> rows) {

    record Row(int line, List<String> cells) {
    }

    static CsvTable parse(String text, String source) {
        List<Row> all = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean cellStarted = false;
        int line = 1;
        int rowLine = 1;
        int quoteLine = 0;
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    cell.append(c);
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    if (cellStarted && !cell.isEmpty()) {
                        throw new SuiteException(source, line, "a quote inside an unquoted CSV field; quote the whole field");
                    }
                    quoted = true;
                    cellStarted = true;
                    quoteLine = line;
                }
                case ',' -> {
                    cells.add(cell.toString());
                    cell.setLength(0);
                    cellStarted = false;
                }
                case '\r' -> {
                }
                case '\n' -> {
                    cells.add(cell.toString());
                    addRow(all, rowLine, cells);
                    cells = new ArrayList<>();
                    cell.setLength(0);
                    cellStarted = false;
                    line++;
                    rowLine = line;
                }
                default -> {
                    cell.append(c);
                    cellStarted = true;
                }
            }
        }
        if (quoted) {
            throw new SuiteException(source, quoteLine, "a quoted CSV field is never closed");
        }
        if (cellStarted || !cells.isEmpty()) {
            cells.add(cell.toString());
            addRow(all, rowLine, cells);
        }
        if (all.isEmpty()) {
            throw new SuiteException(source, 1, "the CSV file has no header row");
        }
        List<String> header = all.getFirst().cells();
        List<Row> rows = new ArrayList<>(all.subList(1, all.size()));
        for (Row r : rows) {
            if (r.cells().size() != header.size()) {
                throw new SuiteException(source, r.line(), "row has " + r.cells().size() + " fields but the header has "
                        + header.size());
            }
        }
        return new CsvTable(header, rows);
    }

    private static void addRow(List<Row> all, int line, List<String> cells) {
        boolean blank = cells.size() == 1 && cells.getFirst().isBlank();
        if (!blank) {
            all.add(new Row(line, cells));
        }
    }
}
