package org.dorametrics.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The README's table reference is generated from schemas/: this test fails when they drift apart. Run it with
 * {@code -Ddora.docs.update=true} to rewrite the README section from the schema files.
 */
class SchemaReferenceTest {
    private static final Path README = Path.of("../README.md");
    private static final String BEGIN = "<!-- table reference: generated from schemas/ by SchemaReferenceTest -->\n";
    private static final String END = "<!-- end of table reference -->";

    @Test
    void everySchemaFileIsATableOfTheJobAndEveryColumnHasAComment() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("../schemas"))) {
            assertEquals(TableSchemas.ALL.stream().map(t -> t + ".json").sorted().toList(),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        for (String table : TableSchemas.ALL) {
            for (StructField field : TableSchemas.load(table).fields()) {
                assertTrue(field.metadata().contains("comment") && !field.metadata().getString("comment").isBlank(),
                        table + "." + field.name() + " has no comment");
            }
        }
    }

    @Test
    void readmeTableReferenceIsGeneratedFromTheSchemaFiles() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "README.md has no generated table reference section");
        String generated = reference();
        if (Boolean.getBoolean("dora.docs.update")) {
            Files.writeString(README, readme.substring(0, begin + BEGIN.length()) + generated + readme.substring(end), StandardCharsets.UTF_8);
            return;
        }
        assertEquals(generated, readme.substring(begin + BEGIN.length(), end),
                "README table reference is out of date; run: mvn -B test -pl jobs -am -Dtest=SchemaReferenceTest -Ddora.docs.update=true");
    }

    private static String reference() {
        StringBuilder text = new StringBuilder();
        for (String table : TableSchemas.ALL) {
            text.append("\n#### `").append(table).append("`\n\n| column | type | null | meaning |\n|---|---|---|---|\n");
            for (StructField field : TableSchemas.load(table).fields()) {
                text.append("| `").append(field.name()).append("` | ").append(typeName(field.dataType())).append(" | ")
                        .append(field.nullable() ? "yes" : "no").append(" | ")
                        .append(field.metadata().getString("comment").replace("|", "\\|")).append(" |\n");
            }
        }
        return text.append("\n").toString();
    }

    private static String typeName(DataType type) {
        if (type instanceof ArrayType array) {
            return "array&lt;" + typeName(array.elementType()) + "&gt;";
        }
        if (type instanceof StructType struct) {
            return "struct&lt;" + String.join(", ", Stream.of(struct.fields()).map(f -> f.name() + ": " + typeName(f.dataType())).toList()) + "&gt;";
        }
        return type.simpleString();
    }
}
