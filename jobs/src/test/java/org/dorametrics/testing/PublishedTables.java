package org.dorametrics.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dorametrics.table.TableSchemas;

/**
 * Compares the tables two runs published: the same Parquet files, the same rows in the order of the files (read with
 * DuckDB, so that nothing of the job's own reading is trusted, and a difference is shown as rows), the same schema
 * files, and then the same bytes: the two runs are different JVMs, whose Parquet footers agree only because the job
 * writes them in a canonical form (table/ParquetFooters).
 */
public final class PublishedTables {
    private PublishedTables() {}

    /** @param expected, actual two {@code tables} folders */
    public static void assertSame(Path expected, Path actual) throws IOException, SQLException {
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            for (String table : TableSchemas.ALL) {
                List<String> files = parquetFiles(expected.resolve(table));
                assertFalse(files.isEmpty(), table + " has data files");
                assertEquals(files, parquetFiles(actual.resolve(table)), table + " files");
                assertEquals(rows(duckdb, expected.resolve(table)), rows(duckdb, actual.resolve(table)), table + " rows, in order");
                assertEquals(Files.readString(expected.resolve(table).resolve("_SCHEMA.json")),
                        Files.readString(actual.resolve(table).resolve("_SCHEMA.json")), table + " _SCHEMA.json");
                for (String file : files) {
                    assertArrayEquals(Files.readAllBytes(expected.resolve(table).resolve(file)),
                            Files.readAllBytes(actual.resolve(table).resolve(file)), table + "/" + file + " bytes");
                }
            }
        }
    }

    private static List<String> parquetFiles(Path table) throws IOException {
        try (Stream<Path> walk = Files.walk(table)) {
            return walk.filter(f -> f.toString().endsWith(".parquet")).map(f -> table.relativize(f).toString()).sorted().toList();
        }
    }

    /** A table's rows as text, in the order of its files. */
    private static List<String> rows(Connection duckdb, Path table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = duckdb.createStatement();
             ResultSet result = statement.executeQuery("SELECT * FROM read_parquet('" + table + "/**/*.parquet', filename = true,"
                     + " file_row_number = true) ORDER BY filename, file_row_number")) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int column = 1; column <= columns; column++) {
                    String name = result.getMetaData().getColumnName(column);
                    if (!name.equals("filename") && !name.equals("file_row_number")) {
                        row.append(result.getString(column)).append('\t');
                    }
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
