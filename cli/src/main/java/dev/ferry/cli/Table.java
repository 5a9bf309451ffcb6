package dev.ferry.cli;

import java.io.PrintWriter;
import java.util.List;

/** Rows of text as aligned columns, two spaces apart, the first row being the header. */
final class Table {

    private Table() {
    }

    static void print(List<List<String>> rows, PrintWriter out) {
        int columns = rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int column = 0; column < columns; column++) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < columns - 1; column++) {
                line.append(row.get(column)).append(" ".repeat(widths[column] - row.get(column).length() + 2));
            }
            out.println(line.append(row.get(columns - 1)));
        }
    }
}
