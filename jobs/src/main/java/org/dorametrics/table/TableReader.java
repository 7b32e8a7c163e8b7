package org.dorametrics.table;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a published table with the columns and types of its schema file, in the file's order. Partition columns
 * live in directory names, where Spark would guess their types (a date, a number) and put them last: the schema
 * file decides both instead. A table published before it was partitioned reads the same way.
 */
public final class TableReader {
    private TableReader() {}

    public static Dataset<Row> read(SparkSession spark, OutputLocation output, String table) {
        StructType schema = TableSchemas.load(table);
        Column[] inFileOrder = Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new);
        return spark.read().schema(schema).parquet(output.table(table).toString()).select(inFileOrder);
    }
}
